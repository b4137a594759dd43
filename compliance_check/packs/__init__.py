"""Rule packs: read YAML with positions, validate, resolve ``extends``, compile."""
