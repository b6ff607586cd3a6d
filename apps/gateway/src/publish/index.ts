// Public surface of the publisher (NATS core and JetStream) and the embedded nats-server.
export {};
