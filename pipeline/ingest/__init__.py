"""Reading input documents: one reader per format."""
