#!/usr/bin/env python3
"""PyTorch peer for `fathom bench generate`: greedy decoding with a KV cache on the same weights.

Reads a Hugging Face Llama folder (config.json + F32 model.safetensors, parsed by hand: the
safetensors package is not installed), runs LlamaForCausalLM's computation (rotate-half RoPE,
RMSNorm, SwiGLU, grouped-query attention) in eager mode, and prints one JSON line: time to first
token, decode tokens/s and the generated ids (so the caller can check greedy parity).

Usage: /usr/bin/python3 bench/generate-torch.py <hf-folder> --prompt 1,2,3 --tokens 256
"""
import argparse
import json
import math
import struct
import time

import torch


def load(folder):
    with open(f'{folder}/config.json') as f:
        cfg = json.load(f)
    with open(f'{folder}/model.safetensors', 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    w = {}
    for name, e in header.items():
        if name == '__metadata__':
            continue
        assert e['dtype'] == 'F32', 'export the peer weights as F32'
        b, end = e['data_offsets']
        w[name] = torch.frombuffer(bytearray(data[b:end]), dtype=torch.float32).reshape(e['shape'])
    return cfg, w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('folder')
    ap.add_argument('--prompt', required=True)
    ap.add_argument('--tokens', type=int, default=256)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg, w = load(a.folder)
    C, H = cfg['hidden_size'], cfg['num_attention_heads']
    HKV = cfg.get('num_key_value_heads', H)
    D, L, eps, theta = C // H, cfg['num_hidden_layers'], cfg['rms_norm_eps'], cfg.get('rope_theta', 10000.0)
    head = w.get('lm_head.weight', w['model.embed_tokens.weight'])
    ctx = cfg['max_position_embeddings']
    inv_freq = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
    freqs = torch.outer(torch.arange(ctx, dtype=torch.float32), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos_all, sin_all = emb.cos(), emb.sin()

    def norm(x, g):
        return g * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    def rot(x):
        return torch.cat((-x[..., D // 2:], x[..., : D // 2]), dim=-1)

    cache = [[None, None] for _ in range(L)]

    def forward(ids, past):
        T = len(ids)
        x = w['model.embed_tokens.weight'][torch.tensor(ids)].unsqueeze(0)
        cos, sin = cos_all[past:past + T], sin_all[past:past + T]
        for i in range(L):
            p = f'model.layers.{i}.'
            h = norm(x, w[p + 'input_layernorm.weight'])
            q = (h @ w[p + 'self_attn.q_proj.weight'].T).view(1, T, H, D).transpose(1, 2)
            k = (h @ w[p + 'self_attn.k_proj.weight'].T).view(1, T, HKV, D).transpose(1, 2)
            v = (h @ w[p + 'self_attn.v_proj.weight'].T).view(1, T, HKV, D).transpose(1, 2)
            q = q * cos + rot(q) * sin
            k = k * cos + rot(k) * sin
            if cache[i][0] is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = [k, v]
            kk = k.repeat_interleave(H // HKV, dim=1)
            vv = v.repeat_interleave(H // HKV, dim=1)
            att = (q @ kk.transpose(2, 3)) / math.sqrt(D)
            if T > 1:
                att = att + torch.full((T, T + past), float('-inf')).triu(past + 1)
            y = (torch.softmax(att, dim=-1) @ vv).transpose(1, 2).reshape(1, T, C)
            x = x + y @ w[p + 'self_attn.o_proj.weight'].T
            h = norm(x, w[p + 'post_attention_layernorm.weight'])
            x = x + (torch.nn.functional.silu(h @ w[p + 'mlp.gate_proj.weight'].T) * (h @ w[p + 'mlp.up_proj.weight'].T)) @ w[p + 'mlp.down_proj.weight'].T
        x = norm(x[:, -1], w['model.norm.weight'])
        return x @ head.T

    prompt = [int(t) for t in a.prompt.split(',')]
    out = []
    with torch.no_grad():
        t0 = time.perf_counter()
        tok = int(forward(prompt, 0).argmax())
        out.append(tok)
        t1 = time.perf_counter()
        pos = len(prompt)
        while len(out) < a.tokens:
            tok = int(forward([tok], pos).argmax())
            pos += 1
            out.append(tok)
        t2 = time.perf_counter()
    print(json.dumps({
        'version': torch.__version__, 'threads': a.threads, 'ttft_ms': (t1 - t0) * 1000,
        'decode_tokens_per_s': (len(out) - 1) / (t2 - t1) if len(out) > 1 else None, 'tokens': out,
    }))


if __name__ == '__main__':
    main()
