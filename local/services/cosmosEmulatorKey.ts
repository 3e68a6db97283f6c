/** The Cosmos DB emulator's published key; the local server accepts any key, this one keeps configs familiar. */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nqz4ZdJgFw0ArnDGTdi0GYfhHvG3JiVZpkN4wd1eFq+6QzWNTk0bAwq7R3Hw==';
