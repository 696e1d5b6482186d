"""Age limits the directory relies on, with their source."""

from __future__ import annotations

# Föräldrabalken 6 kap 2 §: a child is under vårdnad until 18. sipflow also requires a
# registered vårdnadshavare to be of age.
AGE_OF_MAJORITY = 18
