from rest_framework import serializers

from phonegen.numbers.models import Project


class ProjectCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=Project._meta.get_field("name").max_length)


class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProjectListItemSerializer(ProjectOutputSerializer):
    numbers = serializers.IntegerField(source="number_count")
    tasks = serializers.IntegerField(source="task_count")
