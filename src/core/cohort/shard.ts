// Splitting a cohort between the tasks of an array job: scan k (in findBidsScans' order) goes to shard k mod n,
// so every shard gets every n-th scan and no two shards share one.

export interface Shard {
  /** 0-based */
  index: number;
  count: number;
  /** where it came from, for the log: '--shard 2/4' or 'SLURM array task 7 (of 8, first 5)' */
  source: string;
}

/** '--shard i/n' (i from 0), else SLURM's array variables, else the whole cohort as one shard. Throws on a bad value. */
export function shardFrom(option: string | undefined, env: Record<string, string | undefined>): Shard {
  if (option !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(option.trim());
    if (!m) throw new Error(`--shard '${option}' is not i/n (e.g. 0/4: the first of four shards, counted from 0)`);
    const [index, count] = [Number(m[1]), Number(m[2])];
    if (count < 1 || index >= count) throw new Error(`--shard ${option}: i must be 0..${Math.max(0, count - 1)} and n at least 1`);
    return { index, count, source: `--shard ${index}/${count}` };
  }
  const id = env.SLURM_ARRAY_TASK_ID;
  if (id === undefined || id === '') return { index: 0, count: 1, source: 'the whole cohort (no --shard, not a SLURM array task)' };
  const count = Number(env.SLURM_ARRAY_TASK_COUNT);
  // arrays may start anywhere (--array=1-8); SLURM_ARRAY_TASK_MIN says where; steps (--array=0-15:4) are not gaps here
  const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
  const step = Number(env.SLURM_ARRAY_TASK_STEP ?? 1) || 1;
  const index = (Number(id) - min) / step;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`SLURM array variables do not fit together: SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${env.SLURM_ARRAY_TASK_MIN}, SLURM_ARRAY_TASK_STEP=${env.SLURM_ARRAY_TASK_STEP}, SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT}; pass --shard i/n instead`);
  return { index, count, source: `SLURM array task ${id} (shard ${index} of ${count})` };
}

export function inShard<T>(items: readonly T[], s: Shard): T[] {
  return items.filter((_, k) => k % s.count === s.index);
}
