"""Translation engines: the model registry, model loading and decoding."""
