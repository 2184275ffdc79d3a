"""A notebook-first library and course for conditional diffusion models

Modules:

- `cclddg.sample`: `load_pipeline` rebuilds a trained model from its checkpoint; `Pipeline.sample` draws class- (or prompt-) conditional images with DDIM or DDPM and classifier-free guidance; `cclddg-sample` does it from the command line.
- `cclddg.training`: `Trainer` runs the diffusion training loop with callbacks (progress bar, logging, W&B, sample grids, checkpoints); checkpoints are safetensors weights + a JSON config + optimizer/EMA/RNG state, written atomically, and resuming is exact.
- `cclddg.unet`: One network signature for everything, `model(x, t, c, z, drop_cond)`: a UNet with a sinusoidal time embedding, FiLM modulation in every residual block, self-attention, cross-attention to the condition at the bottleneck, a learned null condition for classifier-free guidance, and a DDGAN-style latent `z` injected by adaptive group norm."""

__version__ = "0.0.1"
