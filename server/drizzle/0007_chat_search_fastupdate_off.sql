-- Written by hand instead of drizzle-kit's drop and create: changing the option needs no rebuild.
ALTER INDEX "chat_messages_search" SET (fastupdate = false);
