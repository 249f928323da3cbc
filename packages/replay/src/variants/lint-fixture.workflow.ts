/* eslint-disable */
// Fixture for the ESLint test (lint-workflow-rules.test.ts), which lints this file with inline
// configuration ignored. Every line marked BAD must be reported; the line marked OK must not.
import { readFileSync } from 'node:fs'; // BAD: Node built-in
import path from 'path'; // BAD: Node built-in, without the node: prefix
import { ssnTrace } from '@background-check/activities'; // BAD: activity code in the workflow bundle
import type * as activities from '@background-check/activities'; // OK: type only
import { proxyActivities } from '@temporalio/workflow';

const { ssnTrace: proxied } = proxyActivities<typeof activities>({ scheduleToCloseTimeout: '5 seconds' });

export async function BackgroundCheck(ssn: string): Promise<string> {
  void readFileSync;
  void path;
  void ssnTrace;
  return await proxied(ssn);
}
