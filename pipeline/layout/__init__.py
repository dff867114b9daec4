"""Layout of pasted or extracted text: classify blocks, then repair paragraphs cut by the layout."""
