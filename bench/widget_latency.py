#!/usr/bin/env python
"""Benchmark: time from pressing Generate in the sampling widget (`cclddg.widgets.SamplerWidget`, in-process, button
clicked programmatically) to the images being in the widget, on the CPU, for the default shapes text-to-image model.

Takes a run directory (default bench/out/shapes_cclddg, made by bench/shapes_cclddg.py). If there is none, trains a
model with the same architecture as the README's main command for a few seconds (latency depends on the architecture,
not on how long it trained) and says so. Reports the median of several presses for 1, 4 and 8 images and saves
bench/results/widget_latency.json.

    python bench/widget_latency.py
    python bench/widget_latency.py --run runs/shapes --repeats 7
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
MAIN = ['--dataset', 'shapes', '--model', 'ddgan', '--latent', 'train', '--embedder', 'tiny']   # README's main command
QUICK = ['--max_minutes', '0.2', '--ae_steps', '20', '--embedder_steps', '20', '--eval_samples', '0']

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--run', default=str(ROOT / 'bench' / 'out' / 'shapes_cclddg'), help='run directory or checkpoint')
    p.add_argument('--sizes', default='1,4,8', help='numbers of images per press')
    p.add_argument('--repeats', type=int, default=5, help='presses per size (after one warm-up press)')
    p.add_argument('--prompt', default='a small red circle above a blue square')
    p.add_argument('--results', default=str(ROOT / 'bench' / 'results' / 'widget_latency.json'))
    a = p.parse_args()
    run, trained = Path(a.run), None
    if not run.exists():
        run = Path(tempfile.mkdtemp(prefix='cclddg_latency_')) / 'shapes'
        cmd = [sys.executable, str(ROOT / 'train_cclddg.py'), *MAIN, *QUICK, '--out', str(run)]
        print(f"{a.run} does not exist: training a model with the default architecture for a few seconds instead\n$ {' '.join(cmd)}", flush=True)
        subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, 'WANDB_MODE': 'disabled'})
        trained = ' '.join(['python', *cmd[1:]])
    from cclddg.widgets import SamplerWidget
    w = SamplerWidget(ckpt=str(run), device='cpu')
    if w.error_text: sys.exit(f"error: {w.error_text}")
    w.prompt.value = a.prompt
    res = {}
    for n in map(int, a.sizes.split(',')):
        w.n.value, times = n, []
        for i in range(a.repeats + 1):
            w.seed.value = i
            t0 = time.perf_counter(); w.gen_btn.click(); dt = time.perf_counter() - t0
            if w.error_text: sys.exit(f"error: {w.error_text}")
            assert w.images is not None and len(w.images) == n and w.out.value
            if i: times.append(dt)   # the first press warms up
        res[n] = dict(median_s=statistics.median(times), min_s=min(times), max_s=max(times), presses=len(times))
        print(f"{n} image{'s' * (n > 1)}: median {res[n]['median_s'] * 1000:.0f} ms (min {res[n]['min_s'] * 1000:.0f}, max {res[n]['max_s'] * 1000:.0f}) "
              f"over {len(times)} presses", flush=True)
    cfg = w.pipe.config
    out = dict(benchmark='widget_latency', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]), run=rel(a.run), trained_instead=trained,
               model=dict(kind=cfg['model'], T=w.pipe.diffusion.T, shape=list(w.pipe.shape), img_size=cfg['data']['img_size'],
                          unet_params=sum(q.numel() for q in w.pipe.model.parameters())),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads(), device='cpu'),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), measures='button click to images encoded as the PNG grid in the widget (in-process, no browser)', latency={str(k): v for k, v in res.items()})
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(out, indent=2))
    print(f"saved {a.results}")
    if trained: shutil.rmtree(run.parent, ignore_errors=True)

if __name__ == '__main__': main()
