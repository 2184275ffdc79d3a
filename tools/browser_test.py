#!/usr/bin/env python
"""Real-browser test of the sampling widget (`cclddg.widgets.SamplerWidget`).

Trains a tiny text-to-image model (or takes a run directory with --ckpt), writes a demo notebook that shows the widget
for it, serves that notebook with Voila on 127.0.0.1, opens it in headless Chromium from Debian's package driven by
Playwright (never a browser download), types a prompt, clicks Generate, waits for the images, checks that they are not
blank and saves a screenshot. Exits non-zero with one clear line on failure; Voila is always stopped.

Needs: `apt-get install -y chromium` and `pip install voila playwright` (never `playwright install`).

    python tools/browser_test.py                                   # trains a tiny model first (about a minute)
    python tools/browser_test.py --ckpt runs/shapes --screenshot /tmp/widget.png
"""
import argparse, base64, io, json, os, shutil, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ['--dataset', 'shapes', '--n_train', '512', '--model', 'ddgan', '--latent', 'train', '--ae_steps', '30',
         '--embedder', 'tiny', '--embedder_steps', '30', '--n_batches', '30', '--batch_size', '32',
         '--n_channels_unet', '16', '--n_channels_disc', '8', '--eval_samples', '0']
FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']  # Playwright adds --headless
JS_IMG_B64 = """async (sel) => { const img = document.querySelector(sel); if (!img || !img.src) return null;
  const u = new Uint8Array(await (await fetch(img.src)).arrayBuffer()); let s = '';
  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); }"""

class Fail(Exception): pass

def free_port() -> int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def train_tiny(out: Path) -> Path:
    cmd = [sys.executable, str(ROOT / 'train_cclddg.py'), *TRAIN, '--out', str(out)]
    print('training a tiny text model:', ' '.join(cmd[1:]), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'WANDB_MODE': 'disabled'})
    if r.returncode: raise Fail(f"training the tiny model failed:\n{r.stderr[-2000:]}")
    return out

def shown(p: Path) -> str:
    "`p` relative to the repository if it lies inside it, else absolute"
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def write_demo(nb: Path, ckpt: Path):
    "A notebook that builds the widget for `ckpt` (Voila shows only outputs)"
    import nbformat
    cells = [nbformat.v4.new_markdown_cell('# cclddg: text to image\nType a prompt and press **Generate**.'),
             # a run inside the repository is shown by its path relative to it (the kernel starts there), as a user types it
             nbformat.v4.new_code_cell(f"import os; os.chdir({str(ROOT)!r})\nfrom cclddg.widgets import SamplerWidget\n"
                                       f"w = SamplerWidget(ckpt={shown(ckpt)!r})\nw")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}}), nb)

def wait_port(port: int, proc, timeout: float):
    "Wait until Voila listens on `port` (a TCP connect, so that no extra kernel is started by a probe request)"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None: raise Fail(f"Voila exited with code {proc.returncode} before listening")
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=2): return
        except OSError: time.sleep(0.3)
    raise Fail(f"Voila did not listen on 127.0.0.1:{port} within {timeout:.0f} s")

def grid_cells(png: bytes, n: int, size: int, scale: int = 3, pad: int = 2) -> list:
    "The `n` image cells (without padding) of a `cclddg.widgets.grid_png` grid, as float arrays in [0, 1]"
    from PIL import Image
    a = np.asarray(Image.open(io.BytesIO(png)).convert('RGB'), dtype=np.float32) / 255
    cell, nrow = (size + 2 * pad) * scale, min(n, 8)
    return [a[(i // nrow) * cell + pad * scale:(i // nrow) * cell + (pad + size) * scale,
              (i % nrow) * cell + pad * scale:(i % nrow) * cell + (pad + size) * scale] for i in range(n)]

def run_browser(url: str, a, n: int, size: int) -> dict:
    from playwright.sync_api import sync_playwright, TimeoutError as PwTimeout
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=a.chromium, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={'width': 1100, 'height': 660})
            t0 = time.time()
            page.goto(url, timeout=a.timeout * 1000)
            try: page.wait_for_selector('.cclddg-prompt input', state='visible', timeout=a.timeout * 1000)
            except PwTimeout: raise Fail(f"the widget's prompt box did not appear within {a.timeout} s (page text: {page.inner_text('body')[:300]!r})")
            t_load = time.time() - t0
            err = page.inner_text('.cclddg-error').strip()
            if err: raise Fail(f"the widget shows an error after loading: {err}")
            page.fill('.cclddg-prompt input', a.prompt)
            page.locator('.cclddg-prompt input').press('Enter')
            t1 = time.time()
            page.click('button.cclddg-generate')
            try: page.wait_for_function("() => { const s = document.querySelector('.cclddg-status'); const e = document.querySelector('.cclddg-error');"
                                        " return (s && s.innerText.includes('in ')) || (e && e.innerText.trim().length > 0); }", timeout=a.timeout * 1000)
            except PwTimeout: raise Fail(f"no images within {a.timeout} s of clicking Generate (status: {page.inner_text('.cclddg-status')!r})")
            err = page.inner_text('.cclddg-error').strip()
            if err: raise Fail(f"the widget shows an error after Generate: {err}")
            b64 = page.evaluate(JS_IMG_B64, 'img.cclddg-output')
            t_gen = time.time() - t1
            if not b64: raise Fail("the output image has no source after Generate")
            status = page.inner_text('.cclddg-status')
            Path(a.screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=a.screenshot, full_page=True)
        finally: browser.close()
    cells = grid_cells(base64.b64decode(b64), n, size)
    stds = [float(c.std()) for c in cells]
    if min(stds) < a.min_std: raise Fail(f"blank image: pixel std {min(stds):.4f} < {a.min_std} (per image: {[round(s, 4) for s in stds]})")
    return dict(page_load_s=t_load, generate_s=t_gen, status=status, pixel_std=stds)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--ckpt', help='run directory or checkpoint of a text model (default: train a tiny one)')
    p.add_argument('--screenshot', default=str(ROOT / 'nbs' / 'images' / 'widget_screenshot.png'))
    p.add_argument('--prompt', default='a small red circle')
    p.add_argument('--chromium', default='/usr/bin/chromium')
    p.add_argument('--timeout', type=float, default=180, help='seconds to wait for each stage')
    p.add_argument('--min_std', type=float, default=0.02, help='smallest pixel std (in [0, 1]) of a non-blank image')
    p.add_argument('--keep', action='store_true', help='keep the temporary directory (tiny run, demo notebook, voila.log)')
    a = p.parse_args()
    t_start, work, voila = time.time(), Path(tempfile.mkdtemp(prefix='cclddg_browser_')), None
    try:
        if not Path(a.chromium).exists(): raise Fail(f"no Chromium at {a.chromium}: apt-get install -y chromium")
        ckpt = Path(a.ckpt).resolve() if a.ckpt else train_tiny(work / 'run')
        if not ckpt.exists(): raise Fail(f"checkpoint {ckpt} does not exist")
        nb = work / 'demo.ipynb'; write_demo(nb, ckpt)
        port = free_port(); url = f'http://127.0.0.1:{port}/'
        log = open(work / 'voila.log', 'w')
        voila = subprocess.Popen([sys.executable, '-m', 'voila', str(nb), '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1',
                                  '--show_tracebacks=True'], cwd=work, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                 env={**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])})
        wait_port(port, voila, a.timeout)
        # the widget's default number of images and the model's image size fix the grid geometry
        from cclddg.training import load_config
        res = run_browser(url, a, n=4, size=load_config(ckpt)['data']['img_size'])
        print(f"browser test passed in {time.time() - t_start:.1f} s: page {res['page_load_s']:.1f} s, Generate to image "
              f"{res['generate_s']:.1f} s ({res['status']}), pixel std {min(res['pixel_std']):.3f}; screenshot {a.screenshot}")
    except Fail as e:
        print(f"browser test FAILED: {e}", file=sys.stderr)
        if voila is not None and (work / 'voila.log').exists(): print('voila log tail:\n' + (work / 'voila.log').read_text()[-1500:], file=sys.stderr)
        sys.exit(1)
    finally:
        if voila is not None and voila.poll() is None:
            os.killpg(voila.pid, signal.SIGTERM)
            try: voila.wait(10)
            except subprocess.TimeoutExpired: os.killpg(voila.pid, signal.SIGKILL); voila.wait()
        if a.keep: print(f"kept {work}")
        else: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
