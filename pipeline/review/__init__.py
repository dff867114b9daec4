"""Reading a reviewed workbook back and applying the review: final English, TMX and report."""
