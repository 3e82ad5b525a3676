// Launch configurations for a chosen plan, for the engines that run it (fathom plans, it does not
// train at this scale): AxoNN (github.com/axonn-ai/axonn), whose `ax.init(G_inter, G_data,
// G_intra_r, G_intra_c, G_intra_d)` takes the 4D sizes directly (row = X, column = Y, depth =
// Z), launched one process per GPU with Slurm's srun as on Perlmutter, Frontier and Alps; and
// PyTorch's torchrun, with a DeviceMesh whose dimensions follow the same rank order (X
// innermost, then Y, Z, data).
import type { Split } from './collectives.js';
import type { Evaluation } from './model.js';
import type { Cluster, ModelShape } from './shape.js';

export type LaunchEngine = 'axonn' | 'torchrun';
export const LAUNCH_ENGINES: readonly LaunchEngine[] = ['axonn', 'torchrun'];

export interface LaunchConfig {
  engine: LaunchEngine;
  nodes: number;
  gpusPerNode: number;
  worldSize: number;
  /** Process-group sizes and the rank stride of each (X innermost). */
  groups: { dim: 'x' | 'y' | 'z' | 'data'; size: number; stride: number }[];
  env: Record<string, string>;
  command: string;
  /** The whole launch script, ready to write to a file. */
  script: string;
}

function groups(s: Split): LaunchConfig['groups'] {
  return [
    { dim: 'x', size: s.x, stride: 1 },
    { dim: 'y', size: s.y, stride: s.x },
    { dim: 'z', size: s.z, stride: s.x * s.y },
    { dim: 'data', size: s.data, stride: s.x * s.y * s.z },
  ];
}

const envLines = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `export ${k}=${v}`);

/** A launch script for `ev`'s split of `model` on `cluster`; `entry` is the user's training script. */
export function launchConfig(engine: LaunchEngine, model: ModelShape, cluster: Cluster, ev: Evaluation, entry = 'train.py'): LaunchConfig {
  const s = ev.split;
  const gpn = Math.min(cluster.gpusPerNode, cluster.gpus);
  const nodes = Math.ceil(cluster.gpus / gpn);
  const header = [
    '#!/bin/bash',
    `# Written by \`fathom plan\`: ${model.name} on ${nodes} × ${gpn} ${cluster.gpu} (${cluster.name}), ${cluster.gpus} GPUs.`,
    `# 4D split G_data=${s.data} × G_x=${s.x} × G_y=${s.y} × G_z=${s.z}; ranks: X innermost, then Y, Z, data.`,
    `# Predicted ${ev.stepSeconds.toFixed(3)} s/step, ${(100 * ev.peakFraction).toFixed(1)}% of peak, ${(ev.memory.total / 2 ** 30).toFixed(1)} GiB per GPU${ev.checkpointing ? ', activation checkpointing on' : ''}.`,
    `# Global batch ${model.batch} sequences × ${model.seqLen} tokens; ${model.batch / (s.data * s.z)} sequences per data×depth shard in ${ev.microBatches} micro-batch(es) of ${model.batch / (s.data * s.z * ev.microBatches)}.`,
  ];
  const plan = { FATHOM_G_DATA: String(s.data), FATHOM_G_X: String(s.x), FATHOM_G_Y: String(s.y), FATHOM_G_Z: String(s.z), FATHOM_ACTIVATION_CHECKPOINTING: ev.checkpointing ? '1' : '0', FATHOM_MICRO_BATCHES: String(ev.microBatches), FATHOM_GLOBAL_BATCH: String(model.batch) };
  if (engine === 'axonn') {
    const env = { MASTER_PORT: '29500', WORLD_SIZE: String(cluster.gpus), ...plan };
    const command = `srun --nodes=${nodes} --ntasks=${cluster.gpus} --ntasks-per-node=${gpn} --gpus-per-node=${gpn} bash -c 'RANK=$SLURM_PROCID LOCAL_RANK=$SLURM_LOCALID python ${entry}'`;
    const script = [
      ...header,
      `#SBATCH --nodes=${nodes}`,
      `#SBATCH --ntasks-per-node=${gpn}`,
      `#SBATCH --gpus-per-node=${gpn}`,
      '#',
      `# In ${entry}, after torch.distributed.init_process_group(backend="nccl") (RCCL on AMD):`,
      '#   import axonn as ax, os',
      '#   ax.init(G_inter=1, G_data=int(os.environ["FATHOM_G_DATA"]),',
      '#           G_intra_r=int(os.environ["FATHOM_G_X"]),   # X: in-features (row group)',
      '#           G_intra_c=int(os.environ["FATHOM_G_Y"]),   # Y: out-features (column group)',
      '#           G_intra_d=int(os.environ["FATHOM_G_Z"]))   # Z: depth (weight sharding)',
      '#   then build the model under axonn.intra_layer.auto_parallelize() and load data with',
      '#   ax.create_dataloader(dataset, global_batch_size=int(os.environ["FATHOM_GLOBAL_BATCH"])).',
      'export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
      ...envLines(env),
      command,
      '',
    ].join('\n');
    return { engine, nodes, gpusPerNode: gpn, worldSize: cluster.gpus, groups: groups(s), env: { MASTER_ADDR: '<first node of the allocation>', ...env }, command, script };
  }
  const env = { MASTER_PORT: '29500', ...plan };
  const command = `torchrun --nnodes=${nodes} --nproc-per-node=${gpn} --rdzv-id=$JOB_ID --rdzv-backend=c10d --rdzv-endpoint=$MASTER_ADDR:$MASTER_PORT ${entry}`;
  const script = [
    ...header,
    '# Run this script once on every node (e.g. `srun --ntasks-per-node=1 launch.sh`, or by hand with',
    '# MASTER_ADDR set to the first node); torchrun starts one process per GPU.',
    `# In ${entry}, the 4D process groups as a DeviceMesh, outermost dimension first:`,
    '#   from torch.distributed.device_mesh import init_device_mesh',
    `#   mesh = init_device_mesh("cuda", (${s.data}, ${s.z}, ${s.y}, ${s.x}), mesh_dim_names=("data", "z", "y", "x"))`,
    '#   mesh["x"].get_group(), mesh["y"].get_group(), … are the groups of the plan\'s collectives.',
    'export MASTER_ADDR=${MASTER_ADDR:?set MASTER_ADDR to the first node}',
    'export JOB_ID=${JOB_ID:-${SLURM_JOB_ID:-fathom-plan}}',
    ...envLines(env),
    command,
    '',
  ].join('\n');
  return { engine, nodes, gpusPerNode: gpn, worldSize: cluster.gpus, groups: groups(s), env: { MASTER_ADDR: '<first node>', ...env }, command, script };
}
