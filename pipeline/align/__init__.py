"""Aligning a Chinese document with an English translation made elsewhere: the aligned document
(document), the Gale–Church model with anchors (model), cues for short lines (cues) and salutation
runs (salutation)."""
