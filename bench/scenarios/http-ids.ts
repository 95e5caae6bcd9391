import { HttpUser, task } from 'volley';

/**
 * bench:names: the scripting mistake of issue 17, an id in every URL and no
 * `name`, so every request is a name of its own. BENCH_NAMED=1 gives them one
 * name, the fix, for the baseline. The target comes from --host.
 */
const named = process.env.BENCH_NAMED === '1';

export class IdGetter extends HttpUser {
  @task() async get() {
    const id = Math.floor(Math.random() * 1e12);
    await this.client.get(`/items/${id}`, named ? { name: '/items/[id]' } : undefined);
  }
}
