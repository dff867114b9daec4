"""The glossary: its data (model), YAML reading (parse), validation (check), loading (load),
term matching in Chinese and English (match), TBX/CSV/TSV exchange and term suggestion."""
