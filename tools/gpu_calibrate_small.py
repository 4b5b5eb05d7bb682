"""GPU calibration for a slice of the synthetic experiment at the authors' settings (Table 1, `paper` preset):
what one training step and the evaluation cost, and whether the CUDA-graph step trains like the eager one.

Measured with the library's own code (`experiments.synthetic.make_model`, `train.TrainStep`, `fit`, `evaluate`), side
by side in one run on one device:
  * ms per step of the VAE (simultaneous) and AVB (alternating, k = 2, as the authors' toy notebook) at the preset's
    batch 512, eager and as one captured CUDA graph; AVB with its x-deduplicating adversary (`DistinctXAdversary`,
    whose `torch.unique` cannot be captured) and with the plain `nets.Adversary` it equals;
  * a short AVB run (same seed) eager and graphed: final primal loss and adversary accuracy, so a graph that trains
    differently shows up;
  * `evaluate` (quadrature, kNN) on the device machine's CPU at the preset's grid and sample sizes.
Every measurement is written to OUT/calibration_small.json as soon as it is taken (tools/gpu_record.py).

  python tools/gpu_calibrate_small.py --out DIR [--budget SECONDS] [--tiny]      # --tiny: the CPU dry run
"""
from __future__ import annotations
import argparse, platform, sys, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from avb_nb.nets import Adversary  # noqa: E402
from avb_nb.train import TrainConfig, TrainStep, fit, make_batches  # noqa: E402
from avb_nb.data import synthetic_2x2  # noqa: E402
from avb_nb.experiments.synthetic import SyntheticConfig, make_model, train_config, evaluate  # noqa: E402
from avb_nb.core import sync  # noqa: E402
from avb_nb.run import Recorder, timed  # noqa: E402
from gpu_record import env_info  # noqa: E402


def model(kind, cfg, adversary, dev):
    torch.manual_seed(cfg.seed)
    m = make_model(kind, cfg)
    if adversary == 'plain': m.adversary.__class__ = Adversary      # the same function, without torch.unique
    return m.to(dev)


def step_row(kind, adversary, mode, cfg, dev, min_s):
    "ms per `TrainStep` call (batches drawn as `fit` draws them), after warm-up and capture."
    def f():
        m = model(kind, cfg, adversary, dev)
        tc = train_config(kind, cfg, dev); tc = TrainConfig(**{**tc.to_dict(), 'cuda_graph': mode == 'graph'})
        ts, batches = TrainStep(m, tc), make_batches(synthetic_2x2().to(dev), m, tc, dev)
        for _ in range(4): terms = ts(batches)
        if mode == 'graph' and ts.graph is None: raise RuntimeError('the step was not captured (eager fallback)')
        sec, n = timed(lambda: ts(batches), dev, 3 if min_s == 0 else 50, min_s)
        return dict(ms_per_step=round(1e3 * sec, 3), steps_timed=n, batch=tc.batch_size, scheme=tc.scheme, k=tc.k,
                    finite=bool(all(torch.isfinite(v).all() for v in terms.values())))
    return f


def run_row(mode, cfg, steps, dev):
    "A short AVB run (plain adversary, same seed) with `fit`: last logged terms and wall time."
    def f():
        m = model('avb', cfg, 'plain', dev)
        tc = TrainConfig(**{**train_config('avb', cfg, dev).to_dict(), 'steps': steps, 'log_every': max(steps // 10, 1),
                            'cuda_graph': mode == 'graph'})
        sync(dev); t0 = time.perf_counter()
        hist = fit(m, synthetic_2x2(), tc, None, progress=False)
        sync(dev); sec = time.perf_counter() - t0
        last = {k: round(float(v[-1]), 4) for k, v in hist.items() if v and k in ('primal', 'adversary', 'kl', 'recon', 'D_q', 'D_p')}
        return dict(steps=steps, seconds=round(sec, 2), **last)
    return f


def eval_row(cfg, dev):
    "`evaluate` of an untrained AVB on this machine's CPU at the preset's sizes (its cost does not depend on training)."
    def f():
        m = model('avb', cfg, 'plain', 'cpu')
        t0 = time.perf_counter(); r = evaluate(m, synthetic_2x2(), cfg)
        return dict(seconds=round(time.perf_counter() - t0, 2), n_grid=cfg.n_grid, n_eval=cfg.n_eval,
                    finite=bool(all(torch.isfinite(torch.tensor(v)).all() for v in r.values() if isinstance(v, float))))
    return f


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--budget', type=float, default=150., help='seconds; measurements that would pass it are skipped')
    ap.add_argument('--tiny', action='store_true', help='the smoke preset on this device (the CPU dry run of this same script)')
    args = ap.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False     # float32, as the slices run
    cfg = SyntheticConfig.preset('smoke' if args.tiny else 'paper')
    rec = Recorder(args.out, 'calibration_small.json', args.budget, env_info(args.tiny, args.budget), ('training', 'runs', 'evaluation'))
    min_s = 0. if args.tiny else 0.5
    modes = ('graph', 'eager') if dev.type == 'cuda' else ('eager',)
    for mode in modes:                                                # 1. step costs
        rec.run('training', dict(model='vae', adversary=None, mode=mode), step_row('vae', None, mode, cfg, dev, min_s), 5)
        for adv in ('plain', 'distinct'):
            if mode == 'graph' and adv == 'distinct' and dev.type == 'cuda': continue   # not capturable (torch.unique)
            rec.run('training', dict(model='avb', adversary=adv, mode=mode), step_row('avb', adv, mode, cfg, dev, min_s), 5)
    rec.run('evaluation', dict(what='evaluate', machine_cpu=platform.machine()), eval_row(cfg, dev), 20)   # 2. evaluation
    steps = 20 if args.tiny else 3000                                 # 3. graphed vs eager training, same seed
    for mode in modes: rec.run('runs', dict(model='avb', mode=mode), run_row(mode, cfg, steps, dev), 40)
    return rec.finish('calibration_small')


if __name__ == '__main__':
    sys.exit(main())
