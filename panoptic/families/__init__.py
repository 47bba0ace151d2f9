"""The built-in statement families, each one package on the `panoptic.contract.family` seam."""
