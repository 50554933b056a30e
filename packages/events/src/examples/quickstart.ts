import { subscribe } from '@passerelle/events';

export const sub = await subscribe({
  servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  user: process.env.NATS_USER,
  password: process.env.NATS_PASSWORD,
  consumer: 'integration_hello', // durable: it remembers where you stopped
  filter: { country: 'MA' }, // evt.MA.> ; add service or types to narrow it
  handlers: {
    'trainings.training.held': (event) => {
      console.log('held', event.data.trainingId, event.data.startDate, event.data.topics);
    },
    'assistance.delivery.recorded': (event) => console.log('delivery', event.data.kind, event.data.total),
  },
});
process.once('SIGTERM', () => void sub.stop()); // finishes the event in hand, then closes
