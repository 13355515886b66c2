from analyzer.main import entry_point

entry_point()
