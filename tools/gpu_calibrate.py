"""GPU calibration for the Table 2 slices: what one step of each model of a net set costs.

Measures, side by side in one run on one device, with the library's own code:
  * the training step (`train.TrainStep`: Algorithm 1, simultaneous updates, fused Adam) of the five Table 2 models
    built by `nets.release_nets` (the authors' release nets, commit fecd72a), eagerly and as a
    captured CUDA graph (`TrainConfig(cuda_graph=True)`), at several batch sizes, in TF32 and bfloat16 autocast;
  * AIS: one decoder log-density gradient at 2048 examples x 5 chains (eager and graph), and the library's
    `ais_log_likelihood` per annealing step.
Every measurement is written to OUT/calibration.json as soon as it is taken (tools/gpu_record.py). Random binary
data stand in for MNIST: only time is measured. The files committed on 2026-11-27 were written by an earlier
version (commit 4a79f26) that also timed the AC basis MLPs as a loop and five models' graphs on five streams.

With `--arch aug2017` the same measurements cover the authors' Aug-2017 AVB nets (`nets.aug2017_nets`,
commit 8ab8d94: the three AVB models at their batch of 128, in float32 as the slices run and in TF32; their decoder's
AIS gradient at 2048 x 5 rows; the library's AIS per annealing step at 256 x 5 rows), to size a slice of that preset.

  python tools/gpu_calibrate.py --out DIR [--budget SECONDS] [--tiny] [--arch release|aug2017]   # --tiny: the CPU dry run
"""
from __future__ import annotations
import argparse, sys, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from avb_nb.train import TrainConfig, TrainStep  # noqa: E402
from avb_nb.evaluate import ais_log_likelihood  # noqa: E402
from avb_nb.experiments.mnist import MNISTConfig, MODELS, make_model as mnist_model  # noqa: E402
from avb_nb.core import sync  # noqa: E402
from avb_nb.run import Recorder, timed  # noqa: E402
from gpu_record import env_info  # noqa: E402

PRESET = {'release': 'paper', 'aug2017': 'aug2017'}       # the preset holding each net set's models and settings


def config(arch, tiny):
    "The net set's preset; --tiny shrinks only the adversary and noise (the smoke preset's), the nets are the authors'."
    cfg = MNISTConfig.preset(PRESET[arch])
    return MNISTConfig.preset('smoke', arch=arch, models=cfg.models) if tiny else cfg


def make_model(name, tiny, arch='release'):
    return mnist_model(name, config(arch, tiny))


def decoder(z_dim, arch, dev):
    "The net set's decoder at `z_dim` latent dimensions (that of its first model of that size), frozen."
    cfg = config(arch, False)
    name = next(m for m in cfg.models if m.endswith(f'_{z_dim}'))
    return mnist_model(name, cfg).decoder.to(dev).requires_grad_(False)


def capture(fn):
    "A CUDA graph of `fn` after three warm-up calls on a side stream."
    st = torch.cuda.Stream(); st.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(st):
        for _ in range(3): fn()
    torch.cuda.current_stream().wait_stream(st)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g): fn()
    return g


def train_row(name, B, mode, X, dev, tiny, min_s, bf16=False, arch='release', tf32=True):
    "ms per `TrainStep` call (the batch drawn and binarized on the device, as `fit` does), after warm-up and capture."
    def f():
        torch.manual_seed(0)
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = tf32
        model = make_model(name, tiny, arch).to(dev)
        ts = TrainStep(model, TrainConfig(batch_size=B, lr_primal=1e-4, lr_adversary=2e-4, betas=(0.5, 0.999), bf16=bf16,
                                          cuda_graph=mode == 'graph', device=str(dev)))
        batch = lambda: torch.bernoulli(X[torch.randint(0, X.shape[0], (B,), device=X.device)])
        run = lambda: ts(batch)
        for _ in range(4): run()                                   # warm-up (and, in graph mode, the capture)
        if mode == 'graph' and ts.graph is None: raise RuntimeError('the step was not captured (eager fallback)')
        if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats()
        sec, n = timed(run, dev, 2 if tiny else 20, min_s)
        row = dict(ms_per_step=round(1e3 * sec, 3), steps_timed=n, examples_per_s=round(B / sec),
                   params_M=round(sum(p.numel() for p in model.parameters()) / 1e6, 2))
        if dev.type == 'cuda': row['peak_mem_gib'] = round(torch.cuda.max_memory_allocated() / 2 ** 30, 2)
        return row
    return f


def ais_grad_row(z_dim, rows, mode, dev, min_s, arch='release'):
    "One gradient of log p(z) + log p(x|z) w.r.t. z at `rows` chains (the cost unit of HMC in AIS)."
    def f():
        torch.manual_seed(0)
        dec = decoder(z_dim, arch, dev)
        x = torch.bernoulli(torch.full((rows, 784), 0.2, device=dev))
        z = torch.randn(rows, z_dim, device=dev)
        out = {}
        def grad():
            zz = z.detach().requires_grad_(True)
            out['g'], = torch.autograd.grad((dec.log_prob(x, zz) - 0.5 * (zz ** 2).sum(1)).sum(), zz)
        run = capture(grad).replay if mode == 'graph' else grad
        sec, n = timed(run, dev, 2 if min_s == 0 else 20, min_s)
        return dict(ms_per_gradient=round(1e3 * sec, 3), calls_timed=n)
    return f


def ais_library_row(z_dim, rows, n_steps, dev, arch='release'):
    "The library's ais_log_likelihood (L = 10, linear schedule, warm-up step table): seconds per annealing step."
    def f():
        torch.manual_seed(0)
        dec = decoder(z_dim, arch, dev)
        chains = 5
        x = torch.bernoulli(torch.full((rows // chains, 784), 0.2, device=dev))
        prior = torch.distributions.Normal(torch.zeros(z_dim, device=dev), torch.ones(z_dim, device=dev))
        kw = dict(prior=prior, n_chains=chains, n_leapfrog=10, schedule='linear', progress=False)
        ais_log_likelihood(dec.log_prob, x, n_steps=2, **kw)
        sync(dev); t0 = time.perf_counter()
        r = ais_log_likelihood(dec.log_prob, x, n_steps=n_steps, **kw)
        sync(dev); sec = (time.perf_counter() - t0) / n_steps
        return dict(ms_per_ais_step=round(1e3 * sec, 2), n_steps=n_steps, finite=bool(torch.isfinite(r.log_px).all()))
    return f


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--budget', type=float, default=300., help='seconds; measurements that would pass it are skipped')
    ap.add_argument('--tiny', action='store_true', help='small batches and adversary (the CPU dry run of this same script)')
    ap.add_argument('--sections', default='train,variants,ais,large', help='comma-separated subset of: train, variants, ais, large')
    ap.add_argument('--arch', default='release', choices=sorted(PRESET), help="the net set: the release's or the Aug-2017 AVB nets")
    args = ap.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    rec = Recorder(args.out, 'calibration.json', args.budget, {**env_info(args.tiny, args.budget), 'arch': args.arch},
                   ('training', 'ais'))
    min_s = 0. if args.tiny else 0.6
    gpu = dev.type == 'cuda'
    modes = ('graph', 'eager') if gpu else ('eager',)
    X = torch.rand(64 if args.tiny else 55_000, 784, device=dev)
    want = set(args.sections.split(','))
    if args.arch == 'aug2017': return calibrate_aug2017(args, rec, dev, modes, X, want, min_s)
    batches = (4, 16) if args.tiny else (64, 512, 1024)
    train = lambda name, B, mode, prec, need: rec.run('training', dict(model=name, batch=B, mode=mode, precision=prec),
                                                      train_row(name, B, mode, X, dev, args.tiny, min_s, prec == 'bf16'), need)
    for mode in (modes if 'train' in want else ()):                  # 1. every model, TF32, eager and graph
        for B in batches:
            if mode == 'eager' and B == batches[-1] and not args.tiny: continue
            for name in MODELS: train(name, B, mode, 'tf32', 8)
    for B in (batches[1:] if 'variants' in want else ()):            # 2. bf16 autocast
        for name in ('avb_8', 'avb_ac_32'): train(name, B, modes[0], 'bf16', 8)
    rows = 40 if args.tiny else 2048 * 5                            # 3. AIS at the paper's protocol size
    for z_dim in ((8, 32) if 'ais' in want else ()):
        for mode in modes:
            rec.run('ais', dict(kind='gradient', z_dim=z_dim, rows=rows, mode=mode), ais_grad_row(z_dim, rows, mode, dev, min_s), 6)
        rec.run('ais', dict(kind='library', z_dim=z_dim, rows=rows), ais_library_row(z_dim, rows, 3 if args.tiny else 20, dev), 15)
    for B in ((2048, 4096) if gpu and 'large' in want else ()):     # 4. larger batches, if time is left
        for name in MODELS: train(name, B, 'graph', 'tf32', 10)
    return rec.finish('calibration')


def calibrate_aug2017(args, rec, dev, modes, X, want, min_s):
    "The Aug-2017 AVB nets: training steps at their batch of 128 (float32 and TF32, graph and eager), then AIS costs."
    B = 4 if args.tiny else 128
    for prec in (('fp32', 'tf32') if 'train' in want else ()):
        for mode in modes:
            for name in config('aug2017', args.tiny).models:
                rec.run('training', dict(model=name, batch=B, mode=mode, precision=prec),
                        train_row(name, B, mode, X, dev, args.tiny, min_s, arch='aug2017', tf32=prec == 'tf32'), 20)
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False       # AIS in float32, as slices run it
    grad_rows, ais_rows = (10, 10) if args.tiny else (2048 * 5, 256 * 5)
    for z_dim in ((8, 32) if 'ais' in want else ()):
        for mode in modes:
            rec.run('ais', dict(kind='gradient', z_dim=z_dim, rows=grad_rows, mode=mode, precision='fp32'),
                    ais_grad_row(z_dim, grad_rows, mode, dev, min_s, 'aug2017'), 30)
        rec.run('ais', dict(kind='library', z_dim=z_dim, rows=ais_rows, precision='fp32'),
                ais_library_row(z_dim, ais_rows, 2 if args.tiny else 5, dev, 'aug2017'), 60)
    return rec.finish('calibration')


if __name__ == '__main__':
    sys.exit(main())
