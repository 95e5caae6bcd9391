/**
 * A custom load shape (Locust's LoadTestShape): export a LoadShape and the
 * engine asks it every second how many users to run (docs/load-models.md).
 * Here: steps of 5 users every 10 s up to 20, a spike, then the end.
 *
 *   bench run scenarios/shape.ts --host http://127.0.0.1:8080
 */
import { HttpUser, LoadShape, constant, task } from 'volley';

export class StepsThenSpike extends LoadShape {
  tick(seconds: number) {
    if (seconds < 40) return { users: 5 * (Math.floor(seconds / 10) + 1), spawnRate: 5 };
    if (seconds < 50) return { users: 50, spawnRate: 25 }; // the spike
    if (seconds < 60) return { users: 5, spawnRate: 25 }; //  back down: extra users stop after their task
    return null; // the end of the run
  }
}

export class Browser extends HttpUser {
  host = 'http://127.0.0.1:8080';
  waitTime = constant(1);

  @task async browse() {
    await this.client.get('/');
  }
}
