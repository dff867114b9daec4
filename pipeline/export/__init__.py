"""Writers for the outputs of a run: JSON, bilingual and English Markdown, the reviewer workbook."""
