export { ssnTrace, INVALID_SSN } from './ssn-trace';
