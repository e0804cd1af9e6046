"""Full pages other than the wall, each with build(settings, params, lang)."""
