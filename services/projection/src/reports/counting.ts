import type { Shown } from '../query/disclosure.js';

/** How a figure counts, said beside it. */
export const Counting = {
  Unique: 'unique people: distinct people of beneficiary lists, each counted once',
  MayCountTwice:
    'distinct people of beneficiary lists plus people counted without a list: the total may count a person twice',
  Participants: 'participants: sum of attendance (a person attending two trainings counts twice)',
  Trainings: 'distinct trainings held',
  Deliveries: 'distinct deliveries',
  Supports: 'number of supports given',
} as const;

/** Pure: how a unique-people total counts, from its published part of people counted without a list. */
export const peopleCounting = (countedPeople: Shown | undefined): string =>
  countedPeople === 0 ? Counting.Unique : Counting.MayCountTwice;
