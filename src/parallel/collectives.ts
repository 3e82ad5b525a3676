// Ring collective costs and the placement rule of the AxoNN performance model
// (shared/papers/08-axonn.md). Ranks are ordered X innermost, then Y, then Z, then data, so a
// group's members are `stride` ranks apart, where stride is the product of the sizes of the
// dimensions inside it. A group whose span (stride × size) fits in a node, aligned to node
// boundaries, talks over the intra-node links; any other group crosses nodes and gets the
// node's inter-node bandwidth (per-GPU NIC bandwidth × GPUs per node) divided by the number of
// groups of that dimension that share the node's NICs.
import type { Cluster } from './shape.js';

export type Dim = 'x' | 'y' | 'z' | 'data';

/** A factorization G = G_data × G_x × G_y × G_z. */
export interface Split {
  data: number;
  x: number;
  y: number;
  z: number;
}

export type CollectiveKind = 'all-gather' | 'reduce-scatter' | 'all-reduce';

/**
 * Seconds for one ring collective over p ranks moving a buffer of `bytes` (the full buffer for
 * all-reduce, the gathered/unscattered buffer for all-gather and reduce-scatter):
 * all-gather and reduce-scatter (p−1)/p · M/β, all-reduce 2(p−1)/p · M/β.
 */
export function ringSeconds(kind: CollectiveKind, p: number, bytes: number, bandwidthGBs: number): number {
  if (p <= 1 || bytes === 0) return 0;
  const factor = kind === 'all-reduce' ? 2 : 1;
  return (factor * (p - 1) * bytes) / (p * bandwidthGBs * 1e9);
}

export interface Placement {
  dim: Dim;
  size: number;
  /** Rank distance between consecutive members of a group. */
  stride: number;
  /** stride × size: the block of consecutive ranks one group lives in. */
  span: number;
  where: 'none' | 'intra' | 'inter';
  /** Groups of this dimension whose members share one node's NICs (1 when intra-node). */
  sharing: number;
  bandwidthGBs: number;
}

const ORDER: readonly Dim[] = ['x', 'y', 'z', 'data'];

/** Where the groups of dimension `dim` live and the bandwidth each gets. */
export function placement(dim: Dim, split: Split, cluster: Pick<Cluster, 'gpusPerNode' | 'intraBandwidthGBs' | 'interBandwidthGBs'>): Placement {
  let stride = 1;
  for (const d of ORDER) {
    if (d === dim) break;
    stride *= split[d];
  }
  const size = split[dim];
  const span = stride * size;
  const gpn = cluster.gpusPerNode;
  if (size === 1) return { dim, size, stride, span, where: 'none', sharing: 1, bandwidthGBs: Infinity };
  const total = split.data * split.x * split.y * split.z;
  // Aligned groups never straddle a node boundary; a job that fits in one node never does either.
  if (span <= gpn && (gpn % span === 0 || total <= gpn)) return { dim, size, stride, span, where: 'intra', sharing: 1, bandwidthGBs: cluster.intraBandwidthGBs };
  // Within one node sit min(stride, gpn) different groups of this dimension (members of one
  // group are `stride` apart), and they split the node's NIC bandwidth.
  const sharing = Math.min(stride, gpn);
  return { dim, size, stride, span, where: 'inter', sharing, bandwidthGBs: (cluster.interBandwidthGBs * gpn) / sharing };
}
