"""GPU calibration for the Table 2 slice: what one step of each release-net model costs.

Measures, side by side in one run on one device:
  * the training step (Algorithm 1, simultaneous updates, fused Adam) of the five Table 2 models
    built from the authors' release nets (commit fecd72a: conv1 / conv1_ac encoders, 5-layer softplus
    conv1 decoder, fully connected conv0 adversary on the raw x), eagerly and as a captured CUDA graph,
    at several batch sizes, in TF32 and bfloat16 autocast;
  * the Adaptive Contrast basis MLPs as one batched matmul against the per-basis loop;
  * five models' graphs replayed one after another against on five streams;
  * AIS: one decoder log-density gradient at 2048 examples x 5 chains (eager and graph), and the library's
    `ais_log_likelihood` per annealing step.
Every measurement is written to OUT/calibration.json as soon as it is taken, so a run stopped at its
deadline still returns what it measured. Random binary data stand in for MNIST: only time is measured.

  python tools/gpu_calibrate.py --out DIR [--budget SECONDS] [--tiny]      # --tiny: the CPU dry run
"""
from __future__ import annotations
import argparse, json, math, os, platform, sys, time
from pathlib import Path
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from avb_nb.nets import Decoder, GaussianEncoder, BlackBoxEncoder, ACEncoder, Adversary, mlp_adversary  # noqa: E402
from avb_nb.objectives import VAE, AVB, AVBAC  # noqa: E402
from avb_nb.evaluate import ais_log_likelihood  # noqa: E402

MODELS = ('vae_8', 'vae_32', 'avb_8', 'avb_ac_8', 'avb_ac_32')


# ---- the release nets (fecd72a), sized by `s` (1 = the authors' sizes; the dry run shrinks them) ----
class StridedConvTrunk(nn.Module):
    "x -> 2x-1 -> 5x5 stride-2 convs (act) each followed by a dense map of eps added to the whole map -> FC (act)."
    def __init__(self, widths, fc, eps_dim=0, act=nn.ELU):
        super().__init__()
        chans, sizes = [1, *widths], [14, 7, 4]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 5, 2, padding=2) for a, b in zip(chans[:-1], chans[1:]))
        self.noise = nn.ModuleList(nn.Linear(eps_dim, c * s * s) for c, s in zip(widths, sizes)) if eps_dim else None
        self.fc, self.act, self.eps_dim, self.out_dim = nn.Linear(widths[-1] * 16, fc), act(), eps_dim, fc

    def forward(self, x, eps=None):
        h = 2 * x.reshape(-1, 1, 28, 28) - 1
        for i, conv in enumerate(self.convs):
            h = self.act(conv(h))
            if self.eps_dim: h = h + self.noise[i](eps).view_as(h)
        return self.act(self.fc(h.flatten(1)))


class ReleaseDecoder(Decoder):
    "z -> FC300 -> FC 4x4x32 -> deconv 7x7x32 -> 14x14x16 -> 28x28x1 logits, softplus between (5 layers)."
    def __init__(self, z_dim, s=1):
        super().__init__(z_dim, (1, 28, 28))
        c = max(1, 32 // s)
        self.net = nn.Sequential(nn.Linear(z_dim, 300 // s), nn.Softplus(), nn.Linear(300 // s, c * 16), nn.Softplus(),
                                 nn.Unflatten(1, (c, 4, 4)), nn.ConvTranspose2d(c, c, 5, 2, 2), nn.Softplus(),
                                 nn.ConvTranspose2d(c, max(1, 16 // s), 5, 2, 2, 1), nn.Softplus(),
                                 nn.ConvTranspose2d(max(1, 16 // s), 1, 5, 2, 2, 1), nn.Flatten(1))


class BasisMLPs(nn.Module):
    "n_bases independent MLPs (ELU) evaluated as one batched matmul per layer: (n_bases, batch, in) -> (n_bases, batch, out)."
    def __init__(self, n_bases, sizes):
        super().__init__()
        self.W = nn.ParameterList(nn.Parameter(torch.empty(n_bases, a, b).uniform_(-a ** -.5, a ** -.5)) for a, b in zip(sizes[:-1], sizes[1:]))
        self.b = nn.ParameterList(nn.Parameter(torch.empty(n_bases, 1, b).uniform_(-a ** -.5, a ** -.5)) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, h):
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            h = torch.baddbmm(b, h, W)
            if i < len(self.W) - 1: h = F.elu(h)
        return h


class BatchedACEncoder(ACEncoder):
    "ACEncoder whose basis MLPs run as one batched matmul."
    def __init__(self, trunk, z_dim, n_bases, eps_dim, basis_hidden=(128, 128, 128)):
        super().__init__(trunk, z_dim, n_bases, eps_dim, basis_hidden)
        self.v = BasisMLPs(n_bases, [eps_dim, *basis_hidden, z_dim])

    def bases(self, n, device=None, dtype=None):
        return self.v(torch.randn(self.n_bases, n, self.eps_dim, device=device, dtype=dtype)).transpose(0, 1)


def make_model(name, s=1, batched=False):
    kind, d = name.rsplit('_', 1); d = int(d)
    dec = ReleaseDecoder(d, s)
    if kind == 'vae':
        return VAE(GaussianEncoder(StridedConvTrunk((16 // s, 32 // s, 32 // s), 300 // s, act=nn.Softplus), d), dec)
    adv = (Adversary(nn.Flatten(), d, 784, (1024 // s,) * 3, 8192 // s) if s == 1 else mlp_adversary(784, d, (8,), 8))
    w = (64 // s, 128 // s, 256 // s)
    if kind == 'avb':
        return AVB(BlackBoxEncoder(StridedConvTrunk(w, 800 // s, eps_dim=16), d), dec, adv)
    eps_dim = 16 if d == 8 else 64                        # 32 bases in both (release scripts)
    enc = (BatchedACEncoder if batched else ACEncoder)(StridedConvTrunk(w, 800 // s), d, 32, eps_dim, (128 // s,) * 3)
    return AVBAC(enc, dec, adv)


# ---- one training step, eager or captured ----
def step_fn(model, X, B, bf16, capturable):
    P = [*model.encoder.parameters(), *model.decoder.parameters()]
    A = list(model.adversary.parameters()) if model.adversary is not None else []
    fused = X.is_cuda
    opts = [torch.optim.Adam(ps, lr=lr, betas=(0.5, 0.999), fused=fused, capturable=capturable and fused)
            for ps, lr in ((P, 1e-4), (A, 2e-4)) if ps]

    def step():
        x = torch.bernoulli(X[torch.randint(0, X.shape[0], (B,), device=X.device)])
        with torch.autocast(X.device.type, dtype=torch.bfloat16, enabled=bf16, cache_enabled=not capturable):
            L = model.losses(x)
        if A:
            L['primal'].backward(inputs=P, retain_graph=True)
            L['adversary'].backward(inputs=A)
        else:
            L['primal'].backward(inputs=P)
        for o in opts: o.step()
        return L['primal'].detach()

    def zero():
        for o in opts: o.zero_grad(set_to_none=True)
    return step, zero


def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize()


def timed(run, dev, min_steps, min_s):
    "Seconds per call of `run`, timed over at least min_steps calls and min_s seconds."
    sync(dev); t0 = time.perf_counter(); n = 0
    while n < min_steps or time.perf_counter() - t0 < min_s:
        run(); n += 1
        if n % 10 == 0: sync(dev)
    sync(dev)
    return (time.perf_counter() - t0) / n, n


def capture(step, zero, dev, warm=3):
    "A CUDA graph of `step` (warmed up on a side stream), or None with the reason."
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(warm): zero(); step()
    torch.cuda.current_stream().wait_stream(s); zero()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g): step()
    return g


class Recorder:
    def __init__(self, out, budget, args):
        self.path, self.t0, self.budget = Path(out) / 'calibration.json', time.time(), budget
        self.data = dict(env=env_info(args), training=[], concurrency=[], ais=[], skipped=[], errors=[])
        self.save()

    def left(self): return self.budget - (time.time() - self.t0)

    def save(self):
        self.data['elapsed_s'] = round(time.time() - self.t0, 1)
        tmp = self.path.with_suffix('.tmp'); tmp.write_text(json.dumps(self.data, indent=1) + '\n'); tmp.replace(self.path)

    def add(self, key, row):
        self.data[key].append(row); self.save(); print(key, json.dumps(row), flush=True)

    def run(self, key, what, f, need_s):
        if self.left() < need_s:
            self.add('skipped', dict(what=what, reason=f'deadline ({self.left():.0f} s left)')); return
        try: self.add(key, {**what, **f()})
        except Exception as e:                     # a failed measurement is recorded; the others still run
            self.add('errors', dict(what=what, error=f'{type(e).__name__}: {e}'[:500]))
        finally:
            if torch.cuda.is_available(): torch.cuda.empty_cache()


def env_info(args):
    e = dict(commit=os.environ.get('COMMIT', 'unknown'), torch=torch.__version__, python=platform.python_version(),
             device='cpu', tiny=args.tiny, budget_s=args.budget, started=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        e.update(device=p.name, cuda=torch.version.cuda, gpu_mem_gib=round(p.total_memory / 2 ** 30, 1), sms=p.multi_processor_count)
    return e


def train_row(name, B, mode, X, dev, s, min_s, bf16=False, batched=False):
    def f():
        torch.manual_seed(0)
        model = make_model(name, s, batched).to(dev)
        graph = mode == 'graph'
        step, zero = step_fn(model, X, B, bf16, capturable=graph)
        if graph:
            g = capture(step, zero, dev); run = g.replay
        else:
            def run(): zero(); step()
            for _ in range(3): run()
        if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats()
        sec, n = timed(run, dev, 20, min_s)
        row = dict(ms_per_step=round(1e3 * sec, 3), steps_timed=n, examples_per_s=round(B / sec),
                   params_M=round(sum(p.numel() for p in model.parameters()) / 1e6, 2))
        if dev.type == 'cuda': row['peak_mem_gib'] = round(torch.cuda.max_memory_allocated() / 2 ** 30, 2)
        return row
    return f


def concurrency_row(B, X, dev, s, min_s):
    def f():
        graphs = []
        for name in MODELS:
            torch.manual_seed(0)
            m = make_model(name, s, batched=True).to(dev)
            step, zero = step_fn(m, X, B, False, capturable=True)
            graphs.append((m, capture(step, zero, dev)))
        streams = [torch.cuda.Stream() for _ in graphs]
        def serial():
            for _, g in graphs: g.replay()
        def parallel():
            cur = torch.cuda.current_stream()
            for (_, g), st in zip(graphs, streams):
                st.wait_stream(cur)
                with torch.cuda.stream(st): g.replay()
            for st in streams: cur.wait_stream(st)
        t_ser, n1 = timed(serial, dev, 10, min_s)
        t_par, n2 = timed(parallel, dev, 10, min_s)
        return dict(ms_per_round_serial=round(1e3 * t_ser, 3), ms_per_round_streams=round(1e3 * t_par, 3),
                    rounds_timed=[n1, n2])
    return f


def ais_grad_row(z_dim, rows, mode, dev, s, min_s):
    "One gradient of log p(z) + log p(x|z) w.r.t. z at `rows` chains (the cost unit of HMC in AIS)."
    def f():
        torch.manual_seed(0)
        dec = ReleaseDecoder(z_dim, s).to(dev).requires_grad_(False)
        x = torch.bernoulli(torch.full((rows, 784), 0.2, device=dev))
        z = torch.randn(rows, z_dim, device=dev)
        out = {}
        def grad():
            zz = z.detach().requires_grad_(True)
            lp = dec.log_prob(x, zz) - 0.5 * (zz ** 2).sum(1)
            out['g'], = torch.autograd.grad(lp.sum(), zz)
        if mode == 'graph':
            st = torch.cuda.Stream(); st.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(st):
                for _ in range(3): grad()
            torch.cuda.current_stream().wait_stream(st)
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g): grad()
            run = g.replay
        else:
            grad(); run = grad
        sec, n = timed(run, dev, 20, min_s)
        return dict(ms_per_gradient=round(1e3 * sec, 3), calls_timed=n,
                    ms_per_ais_step_L10=round(1e3 * sec * 11, 2))     # 10 leapfrog steps: 11 gradients
    return f


def ais_library_row(z_dim, rows, n_steps, dev, s):
    "The library's ais_log_likelihood (L = 10, linear schedule): seconds per annealing step over all chains."
    def f():
        torch.manual_seed(0)
        dec = ReleaseDecoder(z_dim, s).to(dev).requires_grad_(False)
        chains = 5
        x = torch.bernoulli(torch.full((rows // chains, 784), 0.2, device=dev))
        prior = torch.distributions.Normal(torch.zeros(z_dim, device=dev), torch.ones(z_dim, device=dev))
        ais_log_likelihood(dec.log_prob, x, prior=prior, n_steps=2, n_chains=chains, n_leapfrog=10, schedule='linear', progress=False)
        sync(dev); t0 = time.perf_counter()
        r = ais_log_likelihood(dec.log_prob, x, prior=prior, n_steps=n_steps, n_chains=chains, n_leapfrog=10,
                               schedule='linear', progress=False)
        sync(dev); sec = (time.perf_counter() - t0) / n_steps
        return dict(ms_per_ais_step=round(1e3 * sec, 2), n_steps=n_steps, finite=bool(torch.isfinite(r.log_px).all()),
                    est_s_full_protocol_one_model=round(sec * 1000, 1))
    return f


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--budget', type=float, default=300., help='seconds; measurements that would pass it are skipped')
    ap.add_argument('--tiny', action='store_true', help='tiny nets and batches (the CPU dry run of this same script)')
    ap.add_argument('--sections', default='train,variants,concurrency,ais,large',
                    help='comma-separated subset of: train, variants, concurrency, ais, large')
    args = ap.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    rec = Recorder(args.out, args.budget, args)
    s, min_s = (8, 0.05) if args.tiny else (1, 0.6)
    batches = (4, 16) if args.tiny else (64, 512, 1024)
    gpu = dev.type == 'cuda'
    modes = ('graph', 'eager') if gpu else ('eager',)
    X = torch.rand(64 if args.tiny else 55_000, 784, device=dev)
    want = set(args.sections.split(','))
    for mode in (modes if 'train' in want else ()):                                  # 1. every model, TF32, eager and graph
        for B in batches:
            if mode == 'eager' and B == batches[-1] and not args.tiny: continue
            for name in MODELS:
                rec.run('training', dict(model=name, batch=B, mode=mode, precision='tf32', ac_bases='loop'),
                        train_row(name, B, mode, X, dev, s, min_s), 8)
    for B in (batches[:2] if 'variants' in want else ()):   # 2. AC bases batched; bf16 autocast
        for name in ('avb_ac_8', 'avb_ac_32'):
            rec.run('training', dict(model=name, batch=B, mode=modes[0], precision='tf32', ac_bases='batched'),
                    train_row(name, B, modes[0], X, dev, s, min_s, batched=True), 8)
    for B in (batches[1:] if 'variants' in want else ()):
        for name in ('avb_8', 'avb_ac_32'):
            rec.run('training', dict(model=name, batch=B, mode=modes[0], precision='bf16', ac_bases='batched'),
                    train_row(name, B, modes[0], X, dev, s, min_s, bf16=True, batched=True), 8)
    if gpu and 'concurrency' in want:                   # 3. five models at once
        for B in (64, 512):
            rec.run('concurrency', dict(batch=B, models=list(MODELS)), concurrency_row(B, X, dev, s, min_s), 20)
    rows = 40 if args.tiny else 2048 * 5                # 4. AIS at the paper's protocol size
    for z_dim in ((8, 32) if 'ais' in want else ()):
        for mode in modes:
            rec.run('ais', dict(kind='gradient', z_dim=z_dim, rows=rows, mode=mode), ais_grad_row(z_dim, rows, mode, dev, s, min_s), 6)
        rec.run('ais', dict(kind='library', z_dim=z_dim, rows=rows), ais_library_row(z_dim, rows, 3 if args.tiny else 20, dev, s), 15)
    if gpu and 'large' in want:                         # 5. larger batches, if time is left
        for B in (2048, 4096):
            for name in MODELS:
                rec.run('training', dict(model=name, batch=B, mode='graph', precision='tf32', ac_bases='batched'),
                        train_row(name, B, 'graph', X, dev, s, min_s, batched=True), 10)
    rec.data['finished'] = True; rec.save()
    print(f"calibration: {len(rec.data['training'])} training, {len(rec.data['ais'])} AIS rows, "
          f"{len(rec.data['errors'])} errors, {len(rec.data['skipped'])} skipped, {rec.data['elapsed_s']} s")
    return 0


if __name__ == '__main__':
    sys.exit(main())
