"""Realistic bugs of the reference integration, applied at stable seams, to prove the gate catches them."""
