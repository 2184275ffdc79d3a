#!/usr/bin/env python
"""Benchmark: the whole cclddg pipeline on `shapes` on this machine — KL autoencoder, tiny CLOOB embedder and latent
DDGAN trained by the README's main command — and its text-to-image prompt fidelity at the DDGAN's step count.

Runs `train_cclddg.py` with the given flags (default: the README's main command, fresh run directory), then reads its
metrics.json: prompt fidelity on test-split captions (overall, one-object and two-object prompts, seen and unseen
compositions, per attribute), the autoencoder's PSNR, the embedder's retrieval and zero-shot accuracy, time per stage
and the whole pipeline's minutes. The guidance sweep scores the validation split (its own held-out compositions), so
choosing a guidance scale from it never looks at the test compositions.
Saves bench/results/shapes_cclddg.json and copies the prompt x guidance grid to nbs/images/shapes_cclddg_samples.png.

    python bench/shapes_cclddg.py
    python bench/shapes_cclddg.py --train_args "--max_minutes 0.2 --ae_steps 20 --embedder_steps 20 --eval_samples 50"  # smoke
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
MAIN = ['--dataset', 'shapes', '--model', 'ddgan', '--latent', 'train', '--embedder', 'tiny', '--max_minutes', '7']

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def guidance_sweep(run: str, cfgs: list, n: int, seed: int = 0, split: str = 'val') -> dict:
    "Prompt fidelity of the trained model at each guidance scale, on the canonical captions of `split` (val: for choosing)"
    from cclddg.cclddg import load_pipeline, shapes_prompt_fidelity
    if not cfgs: return {}
    pipe, out = load_pipeline(run), {}
    for s in cfgs:
        r = shapes_prompt_fidelity(pipe, split, n, s, seed)
        out[str(s)] = dict(split=split, all=r['prompt_fidelity'], one_object=r['prompt_fidelity_1_object'],
                           two_objects=r['prompt_fidelity_2_objects'], seen=r['prompt_fidelity_seen'], unseen=r['prompt_fidelity_unseen'])
        print(f"guidance {s} ({split}): prompt fidelity {out[str(s)]['all']:.3f} (one object {out[str(s)]['one_object']:.3f}, "
              f"two objects {out[str(s)]['two_objects']:.3f}; seen {out[str(s)]['seen']:.3f}, unseen {out[str(s)]['unseen']:.3f})", flush=True)
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py (appended to the main command)')
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'shapes_cclddg'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_cclddg.json'))
    p.add_argument('--grid', default=str(ROOT/'nbs'/'images'/'shapes_cclddg_samples.png'))
    p.add_argument('--cfgs', default='1,1.5,2', help='guidance scales at which to score the trained model afterwards, on the '
                   'validation split (empty: none)')
    p.add_argument('--score_only', action='store_true', help='do not train: score the run already in --out again (its wall time '
                   'is read from --results)')
    a = p.parse_args()
    cmd = ['python', 'train_cclddg.py', *MAIN, '--out', rel(a.out), *a.train_args.split()]
    if a.score_only: wall = json.loads(Path(a.results).read_text())['pipeline_wall_minutes'] * 60
    else:
        shutil.rmtree(a.out, ignore_errors=True)
        print('$', ' '.join(cmd), flush=True)
        t0 = time.time(); subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT); wall = time.time() - t0
    m = json.loads((Path(a.out)/'metrics.json').read_text())
    n = m.get('eval_samples', 500)
    sweep = guidance_sweep(a.out, [float(v) for v in a.cfgs.split(',') if v], n)
    best = max(sweep, key=lambda s: sweep[s]['all']) if sweep else None
    test_best = guidance_sweep(a.out, [float(best)], n, split='test') if best else {}
    quality_best = {}
    if best:
        from cclddg.cclddg import load_pipeline, shapes_sample_quality
        quality_best = shapes_sample_quality(load_pipeline(a.out), 'test', n, float(best))
        print(f"at guidance {best} (the best on val), on test: diversity {quality_best['diversity']:.3f}, FD {quality_best['fd']:.2f} "
              f"(a perfect model: {quality_best['fd_real_vs_real']:.2f})", flush=True)
    res = dict(benchmark='shapes_cclddg', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]), train_command=' '.join(cmd),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), pipeline_wall_minutes=wall / 60, metrics=m,
               guidance_sweep=sweep, best_val_cfg=best, test_at_best_val_cfg={**test_best.get(best, {}), **quality_best})
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    Path(a.grid).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(a.out)/'samples.png', a.grid)
    e = m.get('embedder_metrics', {})
    print(f"\npipeline: {wall / 60:.1f} min wall (autoencoder {m.get('ae_seconds', 0):.0f} s, embedder {m.get('embedder_seconds', 0):.0f} s, "
          f"encoding {m.get('encode_seconds', 0):.0f} s, DDGAN {m['train_seconds']:.0f} s for {m['steps']} steps)")
    print(f"autoencoder PSNR {m.get('ae_psnr', float('nan')):.2f} dB; embedder retrieval t2i {e.get('t2i', float('nan')):.3f} "
          f"i2t {e.get('i2t', float('nan')):.3f}, zero-shot {e.get('zero_shot', float('nan')):.3f}")
    print(f"prompt fidelity ({m.get('eval_sampler')}, cfg {m.get('eval_cfg')}, {m.get('eval_samples')} test captions): "
          f"{m.get('prompt_fidelity', float('nan')):.3f} (one object {m.get('prompt_fidelity_1_object', float('nan')):.3f}, "
          f"two objects {m.get('prompt_fidelity_2_objects', float('nan')):.3f}; seen compositions {m.get('prompt_fidelity_seen', float('nan')):.3f}, "
          f"unseen {m.get('prompt_fidelity_unseen', float('nan')):.3f}; {m.get('eval_captions_in_train', '?')} prompts are training captions verbatim)")
    print(f"saved {rel(a.results)} and {rel(a.grid)}")

if __name__ == '__main__': main()
