"""Azure checks (AIP3xx): Azure OpenAI / AI Services, Machine Learning, AI Search."""
