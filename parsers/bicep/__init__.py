"""Bicep: our own lexer (lexer.py) and recursive-descent parser (syntax.py) turn a `.bicep` file
into an AST with byte spans; parse.py maps it into the resource model (its module docstring is
the contract); evaluate.py resolves params, variables, functions, loops and modules."""
