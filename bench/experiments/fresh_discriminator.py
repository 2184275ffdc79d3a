"""Could any discriminator tell this generator's pairs from real ones? Freeze the generator of a trained DDGAN run,
train a FRESH discriminator against it alone (the generator never answers), and report the discriminator's accuracy
over those steps and, at the end, per diffusion step t on new batches (real pair (x_{t-1}, x_t) vs the posterior
sample given x_t and the frozen G's x0').

If a fresh D cannot separate the pairs at some t, no adversarial signal can come from that t during training either:
the posterior noise of q(x_{t-1} | x_t, x0') hides what is wrong with x0'. Works on the latent DDGAN of the main
command (shapes, caption-conditioned) and on pixel DDGANs with class labels (digits).

    python bench/experiments/fresh_discriminator.py bench/out/shapes_cclddg --steps 400
    python bench/experiments/fresh_discriminator.py bench/out/shapes_cclddg --steps 1000 --ch 64 --r1_gamma 0
Saves bench/out/fresh_discriminator/NAME.json (NAME: --name, default the run's directory name)."""
import argparse, json, platform, sys, time
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cclddg.core import check, seed_everything
from cclddg.data import get_dataset
from cclddg.training import label_cond
from cclddg.cclddg import load_pipeline, encode_dataset, embedding_batch_fn
from cclddg.ddgan import Discriminator, DDGANTrainer, d_stats, q_pair


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run', help='a train_cclddg.py --model ddgan run directory (or checkpoint)')
    p.add_argument('--steps', type=int, default=400, help='discriminator steps')
    p.add_argument('--ch', type=int, default=None, help="the fresh D's base channels (default: the run's)")
    p.add_argument('--lr_d', type=float, default=None, help="its learning rate (default: the run's)")
    p.add_argument('--r1_gamma', type=float, default=None, help="R1 weight (default: the run's)")
    p.add_argument('--n_data', type=int, default=4000, help='training scenes drawn for the pairs (shapes; digits uses its train split)')
    p.add_argument('--eval_batches', type=int, default=20, help='batches per t for the final accuracy by t')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--name', default=None)
    a = p.parse_args()
    seed_everything(a.seed)
    pipe = load_pipeline(a.run, use_ema=False)          # the weights the training D played against
    cfg, G, diff = pipe.config, pipe.model, pipe.diffusion
    check(cfg['model'] == 'ddgan', f"'{a.run}' is a {cfg['model']} run, not a DDGAN")
    tr_cfg = cfg['train']
    dcfg = {**cfg['disc'], **({'ch': a.ch} if a.ch else {})}
    D = Discriminator(**dcfg)
    ds = get_dataset(tr_cfg['dataset'], **({'n': a.n_data} if tr_cfg['dataset'].startswith('shapes') else {}))   # digits: its train split
    batch_fn, cond_fn, data = None, (label_cond if G.n_classes else (lambda b: None)), ds
    if pipe.ae is not None or pipe.embedder is not None:
        data = encode_dataset(ds, pipe.ae, pipe.embedder, progress=False, max_phrases=cfg.get('max_phrases', 0))
        if pipe.embedder is not None: batch_fn = embedding_batch_fn(tr_cfg.get('pct_text', 1.))
    lr_d = a.lr_d or tr_cfg['lr_disc']
    gamma = tr_cfg['r1_gamma'] if a.r1_gamma is None else a.r1_gamma
    tr = DDGANTrainer(G, D, diff, data, batch_size=tr_cfg['batch_size'], lr_g=1e-3, lr_d=lr_d, r1_gamma=gamma,
                      lazy_reg=tr_cfg['lazy_reg'], tanh=cfg['tanh'], batch_fn=batch_fn, cond_fn=cond_fn,
                      p_uncond=tr_cfg.get('pct_zeros', 0.1), progress=False, mixed_precision=False, seed=a.seed)
    tr._g_step = lambda mbs, logs: None                 # the generator is frozen: only D learns
    batches, accs, t0, curve = iter(tr.stream), [], time.time(), {}
    for i in range(a.steps):
        tr.train_step(batches)
        accs.append(tr.logs['d_acc'])
        if (i + 1) % 100 == 0 or i + 1 == a.steps:
            lo = (i // 100) * 100
            curve[f'{lo}-{i + 1}'] = round(sum(accs[lo:]) / len(accs[lo:]), 3)
            print(f"D steps {lo}-{i + 1}: accuracy {curve[f'{lo}-{i + 1}']:.3f} (loss_d {tr.logs['loss_d']:.4f})", flush=True)
    D.eval()
    by_t = {}
    with torch.no_grad():
        for t in range(diff.T):
            acc = []
            for _ in range(a.eval_batches):
                x0, c, drop = tr._batches_for(batches)[0]
                tt = torch.full((x0.shape[0],), t, dtype=torch.long, device=x0.device)
                x_prev, xt = q_pair(diff, x0, tt, tr.gen)
                z = torch.randn(x0.shape[0], G.z_dim, generator=tr.gen, device=x0.device)
                fake, _, _ = tr._fake(xt, tt, z, c, drop)
                acc.append(d_stats(D(x_prev, xt, tt, c, drop), D(fake, xt, tt, c, drop))['d_acc'])
            by_t[t] = round(sum(acc) / len(acc), 3)
    print('accuracy of the fresh D by t (0: x0 itself):', by_t)
    name = a.name or Path(a.run).resolve().name
    out = ROOT / 'bench' / 'out' / 'fresh_discriminator' / f'{name}.json'
    out.parent.mkdir(parents=True, exist_ok=True)
    res = dict(experiment='fresh_discriminator', command='python bench/experiments/fresh_discriminator.py ' + ' '.join(sys.argv[1:]),
               run=str(a.run), disc=dcfg, lr_d=lr_d, r1_gamma=gamma, steps=a.steps, accuracy_curve=curve, accuracy_by_t=by_t,
               seconds=round(time.time() - t0, 1), machine=platform.platform(), date=time.strftime('%Y-%m-%d %H:%M:%S'))
    out.write_text(json.dumps(res, indent=1))
    print('saved', out.relative_to(ROOT))


if __name__ == '__main__': main()
