/** A second server of the vendor API contract, written independently of the simulator (see README.md). */
export { CONTRACT_API_KEY, startContractServer } from './server';
export type { ChurnOptions, ContractServer, ContractServerOptions, LoggedRequest } from './server';
export { RESOURCES } from './records';
export type { Resource } from './records';
export { parse as parseStamp, render as renderStamp } from './stamps';
