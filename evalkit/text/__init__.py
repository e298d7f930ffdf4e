"""Small text helpers shared by several stages (character classes, endings)."""
