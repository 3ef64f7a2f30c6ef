"""Operations: backup (`backup.py`), restore (`restore.py`), the move of a whole installation
to another database (`copy.py`) and their commands (`cli.py`)."""
