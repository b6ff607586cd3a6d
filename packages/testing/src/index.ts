export {
  NatsServer,
  NatsCluster,
  findNatsServer,
  freePort,
  killAllNatsServers,
  NATS_SERVER_INSTALL_HINT,
  type NatsServerOptions,
} from './nats-server.js';
export { waitFor } from './wait.js';
export { makeTestCerts, type TestCerts } from './tls-certs.js';
