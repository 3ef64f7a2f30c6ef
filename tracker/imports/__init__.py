"""Import of occurrences from XLSX or CSV files: the web pages (`views.py`) and
`tracker import occurrences` (`cli.py`), both through `plan.py` and `services.py`."""
