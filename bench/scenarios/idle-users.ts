import { HttpUser, constant, task } from 'volley';

/**
 * bench/user-memory.ts: users that do nothing but wait. Each runs one task at
 * the start and then sleeps an hour; IDLE_FIRST_GET=1 (an env var of the run)
 * makes that task one GET, so each user also holds its keep-alive connection.
 */
const withConnection = process.env.IDLE_FIRST_GET === '1';

export class Idler extends HttpUser {
  waitTime = constant(3600);

  @task() async once() {
    if (withConnection) await this.client.get('/');
  }
}
