#!/usr/bin/env python
"""Benchmark: the colour case of a user's folder. The `shapes` training scenes written to disk as 32x32 RGB PNGs with a
caption .txt beside each, trained from the folder, against the same scenes trained from the built-in data set, at
equal time, with the same command otherwise (the README's main pipeline: KL autoencoder, tiny embedder - on the
folder, trained on the folder's own image/caption pairs - and a latent DDGAN).

Both are judged the same way: prompt fidelity of the attribute classifier (notebook 05) on the canonical captions of
the test split (about half name a composition held out from training), at the latent DDGAN's evaluation guidance.
Saves bench/results/shapes_folder.json.

    python bench/shapes_folder.py                          # 20,000 scenes, 4 training minutes each
    python bench/shapes_folder.py --n 512 --minutes 0.2 --train_args "--ae_steps 20 --embedder_steps 20" --n_eval 50   # smoke
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / 'bench'))
from shapes_cclddg import guidance_sweep, rel
from cclddg.data import Shapes, x_to_pil

def write_folder(root: Path, n: int, seed: int = 0):
    "Shapes('train', n=n, seed=seed) as root/NNNNN.png + root/NNNNN.txt (its caption)"
    shutil.rmtree(root, ignore_errors=True); root.mkdir(parents=True)
    ds = Shapes('train', n=n, seed=seed)
    for i in range(n):
        it = ds[i]
        x_to_pil(it['image']).save(root / f'{i:05d}.png'); (root / f'{i:05d}.txt').write_text(it['caption'] + '\n')

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--n', type=int, default=20000, help='training scenes (the script\'s --n_train default)')
    p.add_argument('--minutes', type=float, default=4.)
    p.add_argument('--n_eval', type=int, default=500)
    p.add_argument('--out', default=str(ROOT / 'bench' / 'out' / 'shapes_folder'))
    p.add_argument('--results', default=str(ROOT / 'bench' / 'results' / 'shapes_folder.json'))
    p.add_argument('--train_args', default='')
    a = p.parse_args()
    out = Path(a.out)
    t0 = time.time(); write_folder(out / 'data', a.n); write_s = time.time() - t0
    rows = []
    for name, data in (('built-in shapes', ['--dataset', 'shapes', '--n_train', str(a.n)]),
                       ('folder of PNG + txt', ['--dataset', f"folder:{rel(out / 'data')}"])):
        run = out / ('builtin' if 'built' in name else 'folder')
        shutil.rmtree(run, ignore_errors=True)
        cmd = ['python', 'train_cclddg.py', *data, '--model', 'ddgan', '--latent', 'train', '--embedder', 'tiny',
               '--max_minutes', str(a.minutes), '--eval_samples', '0', '--out', rel(run), *a.train_args.split()]
        print('$', ' '.join(cmd), flush=True)
        subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
        m = json.loads((run / 'metrics.json').read_text())
        cfg = json.loads(next((run / 'checkpoints').glob('step_*/config.json')).read_text())['train']['cfg']
        r = guidance_sweep(str(run), [cfg], a.n_eval, split='test')[str(cfg)]
        rows.append(dict(data=name, command=' '.join(cmd), steps=m['steps'], train_seconds=m['train_seconds'],
                         total_minutes=m['total_minutes'], ae_psnr=m.get('ae_psnr'), eval_cfg=cfg, fidelity=r))
        print(rows[-1], flush=True)
    res = dict(benchmark='shapes_folder', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), cpu_count=os.cpu_count(), torch=torch.__version__,
                            threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), n_scenes=a.n, write_seconds=write_s, eval_split='test', results=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2, default=str))
    print(json.dumps(res, indent=2, default=str))

if __name__ == '__main__': main()
