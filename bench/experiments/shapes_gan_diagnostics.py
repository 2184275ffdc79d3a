"""Diagnostics of the latent DDGAN on shapes: train the generator/discriminator of train_cclddg.py's defaults with
overrides for a fixed number of iterations, on the frozen autoencoder and embedder of an earlier main-command run, and
print the discriminator's logits and accuracy over training, prompt fidelity on 300 canonical test captions and the
diversity ratio of two prompts (1 = as varied as real renders). Saves bench/out/gan_diagnostics/NAME.json.

    python bench/experiments/shapes_gan_diagnostics.py base1500 steps=1500
    python bench/experiments/shapes_gan_diagnostics.py snr1500 steps=1500 tr_recon_weighting=snr
    python bench/experiments/shapes_gan_diagnostics.py snrD64 steps=800 n_channels_disc=64 lr_disc=2e-3 tr_recon_weighting=snr

key=value pairs are train_cclddg.py flags (without --), `steps`, `base` (a run directory holding autoencoder/ and
embedder/, default bench/out/shapes_cclddg), or tr_NAME for DDGANTrainer arguments (tr_adv_weight, tr_recon_weighting)."""
import sys, json, time, argparse, torch, numpy as np
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import train_cclddg as T
from cclddg.core import *
from cclddg.data import get_dataset, Shapes, render_shapes, max_jitter, objects_from_attrs
from cclddg.autoencoder import load_autoencoder
from cclddg.embedders import get_embedder
from cclddg.cclddg import encode_dataset, embedding_batch_fn, CclddgPipeline
from cclddg.unet import UNet
from cclddg.ddgan import Discriminator, DDGANTrainer
from cclddg.diffusion import GaussianDiffusion
from cclddg.training import HistoryCB
from cclddg.evaluation import evaluate_shapes_samples
torch.set_num_threads(2)
name, over = sys.argv[1], dict(kv.split('=', 1) for kv in sys.argv[2:])
argv = ['--dataset', 'shapes', '--model', 'ddgan', '--latent', str(base/'autoencoder'), '--embedder', f"tiny:{base/'embedder'}"]
steps = int(over.pop('steps', 600))
base = Path(over.pop('base', ROOT/'bench'/'out'/'shapes_cclddg')); OUT = ROOT/'bench'/'out'/'gan_diagnostics'; OUT.mkdir(parents=True, exist_ok=True)
for k, v in over.items():
    if k.startswith('tr_'): continue
    argv += [f'--{k}', v]
a = T.get_parser().parse_args(argv); T.resolve_defaults(a); T.check_args(a)
seed_everything(a.seed)
ds = get_dataset('shapes', split='train', seed=a.seed)
ae = load_autoencoder(base/'autoencoder'); emb = get_embedder(f"tiny:{base/'embedder'}", 'cpu')
cache = OUT/f'encoded_{a.max_phrases}.pt'   # our own cache file, written below
try: data = torch.load(cache, weights_only=False)
except FileNotFoundError:
    data = encode_dataset(ds, ae, emb, max_phrases=a.max_phrases, progress=False); torch.save(data, cache)
cfg = T.run_config(a, ds, data, 'x', 'y', emb, [])
G = UNet(**cfg['unet']); D = Discriminator(**cfg['disc'])
tr = DDGANTrainer(G, D, GaussianDiffusion(**cfg['diffusion']), data, lr_g=a.lr_gen, lr_d=a.lr_disc, r1_gamma=a.r1_gamma,
                  lazy_reg=a.lazy_reg, tanh=False, recon_weight=a.recon_loss_scale, progress=False, batch_size=a.batch_size,
                  ema_decay=a.ema_decay, p_uncond=a.pct_zeros, seed=a.seed, batch_fn=embedding_batch_fn(a.pct_text), cond_fn=lambda b: None,
                  **{k[3:]: (v if k == 'tr_recon_weighting' else float(v)) for k, v in over.items() if k.startswith('tr_')})
t0 = time.time(); tr.fit(steps); dt = time.time() - t0
rec = tr.records
def avg(k, lo, hi): v = [r[k] for r in rec[lo:hi]]; return sum(v) / max(1, len(v))
curve = {f'{lo}-{hi}': {k: round(avg(k, lo, hi), 4) for k in ('loss_d', 'd_real', 'd_fake', 'd_acc', 'loss_g', 'recon', 'r1')}
         for lo, hi in [(i, i + max(1, steps // 6)) for i in range(0, steps, max(1, steps // 6))]}
pipe = CclddgPipeline(tr.ema.model.eval(), tr.diff, cfg, 'cpu', ae, emb)
test = Shapes('test', n=300, seed=0, captions='canonical')
items = [test[i] for i in range(len(test))]
caps, attrs = [it['caption'] for it in items], torch.stack([it['attrs'] for it in items])
x = pipe.text_to_image(caps, cfg=1., seed=1)
m = evaluate_shapes_samples(x * 2 - 1, attrs, by_objects=True)
# diversity: 16 samples of one prompt vs 16 real renders with jitter
def spread(x): x = x.flatten(1); d = torch.cdist(x, x); return (d.sum() / (len(x) * (len(x) - 1))).item()
div = {}
for objs in ([(0, 0, 1, 4)], [(1, 2, 0, 0), (2, 3, 1, 8)]):
    from cclddg.data import caption_for
    cap = caption_for(objs); rng = np.random.default_rng(0)
    real = torch.stack([render_shapes(objs, 32, [tuple(rng.uniform(-1, 1, 2) * max_jitter(o[2])) for o in objs]) for _ in range(16)])
    fake = pipe.text_to_image([cap] * 16, cfg=1., seed=3) * 2 - 1
    div[cap] = spread(fake) / spread(real)
out = dict(name=name, over=over, steps=steps, train_s=dt, curve=curve, fidelity=m['prompt_fidelity'],
           f1=m['prompt_fidelity_1_object'], f2=m['prompt_fidelity_2_objects'], diversity=div)
print(json.dumps(out, indent=1))
json.dump(out, open(OUT/f'{name}.json', 'w'), indent=1)
