"""The release gate: runs the Gherkin contract suite, maps scenarios to article cases, writes reports."""
