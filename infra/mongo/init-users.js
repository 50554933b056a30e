// Run once by the mongo image on an empty data volume (/docker-entrypoint-initdb.d), as the root user:
// one user per service, with readWrite on its own database only. Passwords come from the environment compose
// gives this container (MONGO_<SERVICE>_PASSWORD); services connect with their own user in MONGO_URL.
const USERS = {
  trainings: 'passerelle_trainings',
  assistance: 'passerelle_assistance',
  partners: 'passerelle_partners',
  indicators: 'passerelle_indicators',
  projection: 'passerelle_reporting',
};
for (const [user, database] of Object.entries(USERS)) {
  const password = process.env[`MONGO_${user.toUpperCase()}_PASSWORD`];
  if (!password) throw new Error(`MONGO_${user.toUpperCase()}_PASSWORD is not set`);
  db.getSiblingDB(database).createUser({ user, pwd: password, roles: [{ role: 'readWrite', db: database }] });
  print(`created MongoDB user ${user} on ${database}`);
}
