"""Text preparation: character folding, placeholders, normalisation with an offset map, segmentation."""
