//! Describing a secret without revealing it: length, character classes, placeholder look.
