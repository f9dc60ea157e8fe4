using worklogs from '../db/schema';

@path: '/odata'
service Feed {
  @readonly entity Worklogs as projection on worklogs.Worklogs;
}
