import { it, expect } from 'vitest';
import { HttpUser, task } from 'volley';
import { collectTasks } from '../../../src/runtime/tasks.js';
class A extends HttpUser { @task(3) async a() {} @task b() {} }
it('probe', () => { console.log(collectTasks(A).map(e => [e.name, e.weight])); expect(1).toBe(1); });
