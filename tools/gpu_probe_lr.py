"""GPU probe for the Table 2 slice design: does the library's CUDA-graph step run, and does a larger batch with a
scaled learning rate track the authors' batch 64 per example seen?

Runs the library's own path (`experiments.mnist.make_model`, `train_config`, `train.fit`, `evaluate.elbo_values`) on the
paper preset's release nets:
  A. each of the five models for a few hundred steps at batch 64 with `cuda_graph=True`: ms per `fit` step and
     any warning (a failed capture falls back to eager and warns);
  B. VAE-8: batch 64 at the authors' lr 1e-4 against batches 1024 / 4096 with the lr scaled by sqrt(batch / 64)
     and by batch / 64, compared at equal numbers of training examples by the test ELBO (Monte Carlo, a bound);
  C. AVB-8 the same way at a smaller budget (adversary ELBO estimate and reconstruction term).
Results go to OUT/probe.json after every measurement (tools/gpu_record.py); a run stopped at its deadline keeps
what it measured.

  python tools/gpu_probe_lr.py --out DIR [--budget SECONDS] [--tiny]      # --tiny: the CPU dry run
"""
from __future__ import annotations
import argparse, dataclasses, math, sys, tempfile, time, warnings
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from avb_nb.experiments.mnist import MNISTConfig, MODELS, make_model, train_config, train_images, test_sets  # noqa: E402
from avb_nb.evaluate import elbo_values, ais_values  # noqa: E402
from avb_nb.train import fit  # noqa: E402
from avb_nb.core import seed_everything  # noqa: E402
from avb_nb.core import sync  # noqa: E402
from avb_nb.run import Recorder  # noqa: E402
from gpu_record import env_info  # noqa: E402


def graph_row(name, cfg, x_train, dev, steps, tmp):
    """ms per `fit` step of `name` at the preset's batch, with any warnings raised: after 10 untimed steps, two
    resumed runs of `steps` and `2 steps` steps (each with its own warm-up and capture); their difference is `steps` steps."""
    def f():
        seed_everything(0); m = make_model(name, cfg).to(dev)
        tc = train_config(name, cfg, dev); t = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            for n in (10, 10 + steps, 10 + 3 * steps):
                sync(dev); t0 = time.perf_counter()
                h = fit(m, x_train, dataclasses.replace(tc, steps=n, log_every=n, checkpoint_every=n), tmp / f'g_{name}', progress=False)
                sync(dev); t.append(time.perf_counter() - t0)
        sec = (t[2] - t[1]) / steps
        return dict(batch=tc.batch_size, ms_per_fit_step=round(1e3 * sec, 3), steps=10 + 3 * steps,
                    last_elbo=round(h['elbo'][-1], 2), warnings=[str(x.message)[:200] for x in w])
    return f


def scaling_row(name, cfg, x_train, x_test, dev, batch, lr_mult, checkpoints, tmp):
    "Test ELBO (mean over x_test) after each number of training examples in `checkpoints`."
    def f():
        seed_everything(0); m = make_model(name, cfg).to(dev)
        base = train_config(name, cfg, dev)
        tc = dataclasses.replace(base, batch_size=batch, lr_primal=base.lr_primal * lr_mult,
                                 lr_adversary=base.lr_adversary * lr_mult)
        curve, t0, out = [], time.time(), tmp / f's_{name}_{batch}_{lr_mult:g}'
        for n_ex in checkpoints:
            steps = max(1, round(n_ex / batch))
            h = fit(m, x_train, dataclasses.replace(tc, steps=steps, log_every=min(steps, 1000), checkpoint_every=steps),
                    out, progress=False)
            m.eval(); e = elbo_values(m, x_test); m.train()
            rec = h['recon'][-1] if 'recon' in h else float('nan')
            curve.append(dict(examples=steps * batch, steps=steps, test_elbo=round(e.mean().item(), 3),
                              test_elbo_se=round((e.std() / math.sqrt(len(e))).item(), 3),
                              train_recon_last=round(rec, 3), seconds=round(time.time() - t0, 1)))
        return dict(lr_primal=tc.lr_primal, lr_adversary=tc.lr_adversary, curve=curve)
    return f


def long_row(name, cfg, x_train, x_ais, dev, checkpoints, tmp, out):
    """`name` at the preset's batch and lr up to each number of examples in `checkpoints` (test ELBO on `x_ais`),
    then AIS at the preset's protocol on `x_ais`; the decoder (and a VAE's encoder) are saved to `out`."""
    def f():
        seed_everything(0); m = make_model(name, cfg).to(dev)
        tc, curve, t0 = train_config(name, cfg, dev), [], time.time()
        for n_ex in checkpoints:
            steps = max(1, round(n_ex / tc.batch_size))
            fit(m, x_train, dataclasses.replace(tc, steps=steps, log_every=min(steps, 5000), checkpoint_every=steps),
                tmp / f'l_{name}', progress=False)
            m.eval(); e = elbo_values(m, x_ais); m.train()
            curve.append(dict(examples=steps * tc.batch_size, steps=steps, elbo=round(e.mean().item(), 3),
                              elbo_se=round((e.std() / math.sqrt(len(e))).item(), 3), seconds=round(time.time() - t0, 1)))
        m.eval().requires_grad_(False)
        keep = {k: v for k, v in m.state_dict().items() if not k.startswith('adversary.')}
        if name.startswith('avb'): keep = {k: v for k, v in keep.items() if k.startswith('decoder.')}
        torch.save(dict(model=name, state=keep, curve=curve, config=cfg.to_dict()), out / f'{name}_probe.pt')
        t1 = time.time(); a = ais_values(m, x_ais, **cfg.ais, chunk=cfg.ais_chunk, progress=False)
        v = a['values']
        return dict(batch=tc.batch_size, lr_primal=tc.lr_primal, curve=curve, ais_examples=len(v),
                    ais=round(v.mean().item(), 3), ais_se=round((v.std() / math.sqrt(len(v))).item(), 3),
                    ais_minus_elbo=round((v - e.cpu().double()).mean().item(), 3), ais_accept=round(a['accept'], 3),
                    ais_seconds=round(time.time() - t1, 1), ais_protocol=dict(steps=cfg.ais_steps, chains=cfg.ais_chains,
                    leapfrog=cfg.ais_leapfrog, schedule=cfg.ais_schedule))
    return f


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--budget', type=float, default=400.)
    ap.add_argument('--tiny', action='store_true', help='smoke-size nets, few steps (the CPU dry run of this same script)')
    ap.add_argument('--sections', default='graph,scaling', help='comma-separated subset of: graph, scaling, long')
    ap.add_argument('--data', default=None, help='folder holding mnist/ and binarized_mnist/ (default: the usual data roots)')
    a = ap.parse_args(argv)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True); tmp = Path(tempfile.mkdtemp())   # checkpoints stay out of OUT
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    rec = Recorder(out, 'probe.json', a.budget, env_info(a.tiny, a.budget), ('graph', 'lr_scaling', 'long'))
    cfg = MNISTConfig.preset('smoke' if a.tiny else 'paper', models=('vae_8', 'avb_8'))
    if a.tiny: cfg = dataclasses.replace(cfg, batch_size=8, train_size=256)
    x_train = train_images(cfg, a.data)
    x_test = test_sets(dataclasses.replace(cfg, elbo_examples=48 if a.tiny else 2048, ais_examples=12, static=False), a.data)['dynamic']
    x_train, x_test = x_train.to(dev), x_test.to(dev)
    gsteps = 5 if a.tiny else 200
    want = set(a.sections.split(','))
    for name in (MODELS if 'graph' in want else ()):                       # A
        rec.run('graph', dict(model=name), graph_row(name, cfg, x_train, dev, gsteps, tmp), 15)
    k = 1 / 8 if a.tiny else 1                                              # B, C
    plans = {'vae_8': ([64, 1024, 4096], [int(k * e) for e in (400_000, 1_600_000, 6_400_000)]),
             'avb_8': ([64, 1024], [int(k * e) for e in (400_000, 1_600_000)])}
    if a.tiny: plans = {n: ([8, 32], [64, 256]) for n in plans}
    for name, (batches, checkpoints) in (plans.items() if 'scaling' in want else ()):
        for B in batches:
            mults = [1.0] if B == batches[0] else [math.sqrt(B / batches[0]), B / batches[0]]
            for mult in mults:
                if B == 4096 and mult > 8: continue
                rec.run('lr_scaling', dict(model=name, batch=B, lr_mult=round(mult, 3)),
                        scaling_row(name, cfg, x_train, x_test, dev, B, mult, checkpoints, tmp), 20)
    if 'long' in want:                                                      # D: longer runs, then AIS
        acfg = dataclasses.replace(cfg, ais_examples=12, ais_steps=5, ais_chunk=12) if a.tiny else cfg
        x_ais = x_test[:acfg.ais_examples]
        for name, exs in (('vae_8', (3_200_000, 6_400_000, 12_800_000)), ('avb_8', (1_600_000, 3_200_000))):
            exs = [e // 20_000 if a.tiny else e for e in exs]
            rec.run('long', dict(model=name), long_row(name, acfg, x_train, x_ais, dev, exs, tmp, out), 60)
    return rec.finish('probe')


if __name__ == '__main__':
    sys.exit(main())
