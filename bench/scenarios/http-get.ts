import { HttpUser, task } from 'volley';

/**
 * The benchmark's user: one GET per task, no wait time. Everything the DSL does
 * per task (weighted pick, task bookkeeping, the client, the recorder) stays in
 * the loop; the target comes from --host.
 */
export class Getter extends HttpUser {
  @task() async get() {
    await this.client.get('/');
  }
}
