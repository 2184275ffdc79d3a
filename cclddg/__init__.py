"""A notebook-first library and course for conditional diffusion models

Modules:

- `cclddg.autoencoder`: A small KL autoencoder trained from scratch (Gaussian posterior, reconstruction + KL, optional LPIPS and patch discriminator), the latent scale factor computed from data, and one `LatentAE` encode/decode interface shared with pretrained Stable Diffusion VAEs from diffusers.
- `cclddg.cclddg`: Train a few-step latent DDGAN on the CLIP/CLOOB embeddings of images or of their captions, then ask it for *text*: the shared image-text embedding space turns an image-conditioned generator into a text-to-image one. Object-phrase conditions that bind attributes in two-object prompts, encoding a data set once, the image/caption condition mix (`pct_text`), a sampling pipeline (text, image variations, guidance grids) and loading from a checkpoint.
- `cclddg.ddgan`: A DDGAN (Xiao, Kreis & Vahdat, ICLR 2022): each of a few large reverse steps is an implicit conditional GAN whose generator predicts $x_0$ from $(x_t, z, t, c)$; real pairs come from the forward chain, fake ones from the Gaussian posterior given $x_t$; non-saturating logistic loss, R1 on the less noisy sample, EMA, guidance and exact resume.
- `cclddg.sample`: `load_pipeline` rebuilds any trained model from its checkpoint; `sample` draws class-conditional images with DDIM or DDPM and classifier-free guidance; `cclddg-sample` does it, for labels or prompts, from the command line.
- `cclddg.training`: `Trainer` runs the diffusion training loop with callbacks (progress bar, logging, W&B, sample grids, checkpoints); checkpoints are safetensors weights + a JSON config + optimizer/EMA/RNG state, written atomically, and resuming is exact.
- `cclddg.unet`: One network signature for everything, `model(x, t, c, z, drop_cond)`: a UNet with a sinusoidal time embedding, FiLM modulation in every residual block, self-attention, cross-attention to the condition at the bottleneck, a learned null condition for classifier-free guidance, and a DDGAN-style latent `z` injected by adaptive group norm.
- `cclddg.vq`: A vector-quantised autoencoder (VQ-VAE) trained from scratch: nearest-codebook lookup, straight-through gradients, commitment loss, an EMA codebook with dead-code restarts, codebook usage and perplexity, one `Tokenizer` encode/decode interface shared with diffusers' `VQModel`, and the ceiling its reconstructions set for any token model."""

__version__ = "0.0.1"
