"""The AI bill of materials (`aiposture inventory`) and the AI supply-chain file scanners.

- `build_inventory(paths, ...)` -> Inventory: AI cloud resources with posture and exposure, AI
  packages, AI container images, model references and model files, each with its file and line.
- `render(inventory, "table" | "json" | "cyclonedx")` -> text.
- `supply_chain_findings(path, data, checks)` / `model_file_findings(path, absolute, checks)`:
  the AIP6xx findings of one file, for the engine.
"""
from __future__ import annotations

from analyzer.inventory.build import build_inventory
from analyzer.inventory.findings import is_model_file, model_file_findings, supply_chain_findings
from analyzer.inventory.items import Inventory
from analyzer.inventory.render import render

__all__ = ["build_inventory", "render", "Inventory", "supply_chain_findings", "model_file_findings",
           "is_model_file"]
